import type { OutboundMessageEventV1, TenantSummaryV1 } from '@wagw/contracts';
import { parseOutboundContent } from '@wagw/contracts';
import type { LeasedOutboundRow } from '@wagw/core/ports';

/** Why a row cannot be sent; written to the row's error_code / error_message. */
export interface RowFailure {
  code: 'INVALID_MESSAGE' | 'INVALID_RECIPIENT' | 'UNKNOWN_CHANNEL' | 'MESSAGE_TOO_LARGE';
  message: string;
}

export type RowValidation = { ok: true; event: OutboundMessageEventV1 } | { ok: false; failure: RowFailure };

/** SQS refuses a body above 256 KiB; such a row would fail every enqueue, so it is failed instead. */
export const MAX_QUEUE_BODY_BYTES = 256 * 1024;

/** Bytes of the body as queued: the publisher escapes every UTF-16 unit from U+007F up as a 6-byte `\uXXXX`. */
export const queuedBodyBytes = (body: string): number => body.length + 5 * (body.match(/[\u007f-\uffff]/g)?.length ?? 0);

const failure = (code: RowFailure['code'], message: string): RowValidation => ({ ok: false, failure: { code, message } });

/**
 * Turns one leased row into the outbound-messages event, or says why it can never be sent: the message
 * must be an OutboundContentV1 in JSON, the recipient non-empty, and the channel (the tenant's default
 * when the row leaves it NULL) one of the tenant's own channels, which also gives the provider.
 */
export const validateOutboundRow = (tenant: TenantSummaryV1, row: LeasedOutboundRow, now: Date): RowValidation => {
  const content = parseOutboundContent(row.message);
  if (!content.ok) return failure('INVALID_MESSAGE', content.reason);
  if (row.toId.trim() === '') return failure('INVALID_RECIPIENT', 'to_id is empty');

  const channelId = row.channelId ?? tenant.defaultChannelId;
  const channel = tenant.channels.find((candidate) => candidate.channelId === channelId);
  if (channel === undefined) {
    return failure('UNKNOWN_CHANNEL', `channel ${channelId} is not one of tenant ${tenant.tenantId}'s channels`);
  }

  const event: OutboundMessageEventV1 = {
    schema: 'outbound-message.v1',
    tenantId: tenant.tenantId,
    rowId: row.id,
    attempt: row.attempt,
    provider: channel.provider,
    channelId: channel.channelId,
    toId: row.toId,
    message: content.content,
    leaseExpiresAt: row.reservedUntil.toISOString(),
    queuedAt: now.toISOString(),
  };
  const bytes = queuedBodyBytes(JSON.stringify(event));
  if (bytes > MAX_QUEUE_BODY_BYTES) {
    return failure('MESSAGE_TOO_LARGE', `message is ${bytes} bytes as a queue message; the limit is ${MAX_QUEUE_BODY_BYTES}`);
  }
  return { ok: true, event };
};
