import type { InboundMessageEventV1, InboundMessageRowV1 } from '@wagw/contracts';
import type { NormalizedMessage } from '@wagw/providers/normalized-message';

/**
 * The wa_inbound_messages row of one inbound event. The event's routing fields are authoritative (they
 * also made the FIFO ids); the item fills the rest. A file starts 'pending' until its media job reports.
 */
export const toInboundRow = (event: InboundMessageEventV1, message: NormalizedMessage): InboundMessageRowV1 => {
  const receivedAt = new Date(event.receivedAt);
  return {
    provider: event.provider,
    channelId: event.channelId,
    providerMessageId: event.providerMessageId,
    fromId: message.fromId || event.contactId,
    fromName: message.fromName,
    type: message.type,
    body: message.body,
    replyToId: message.replyToId,
    mediaStatus: message.media === undefined ? 'none' : 'pending',
    mediaKey: null,
    mediaMimeType: message.media?.mimeType ?? null,
    mediaSize: message.media?.size ?? null,
    mediaSha256: message.media?.sha256 ?? null,
    mediaError: null,
    payload: message.payload,
    raw: message.raw,
    sentAt: message.sentAt ?? receivedAt,
    receivedAt,
  };
};
