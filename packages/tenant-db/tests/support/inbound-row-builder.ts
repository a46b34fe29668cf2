import { randomUUID } from 'node:crypto';
import type { InboundMessageRowV1 } from '@wagw/contracts';
import type { MessageKey } from '@wagw/core';

/** A plain text message with a fresh provider message id; override any column. */
export const anInboundRow = (overrides: Partial<InboundMessageRowV1> = {}): InboundMessageRowV1 => ({
  provider: 'meta',
  channelId: '106540352242922',
  providerMessageId: `wamid.${randomUUID()}`,
  fromId: '15551234567',
  fromName: 'Ana',
  type: 'text',
  body: 'hello',
  replyToId: null,
  mediaStatus: 'none',
  mediaKey: null,
  mediaMimeType: null,
  mediaSize: null,
  mediaSha256: null,
  mediaError: null,
  payload: { body: 'hello' },
  raw: { id: 'wamid.raw', type: 'text', text: { body: 'hello' } },
  sentAt: new Date('2025-06-01T10:15:30.000Z'),
  receivedAt: new Date('2025-06-01T10:15:31.250Z'),
  ...overrides,
});

/** An image message whose media is still being fetched. */
export const aPendingImageRow = (overrides: Partial<InboundMessageRowV1> = {}): InboundMessageRowV1 =>
  anInboundRow({
    type: 'image',
    body: 'a caption',
    mediaStatus: 'pending',
    payload: { id: '1234567890', mime_type: 'image/jpeg', caption: 'a caption' },
    ...overrides,
  });

export const keyOf = (row: InboundMessageRowV1): MessageKey => ({
  provider: row.provider,
  channelId: row.channelId,
  providerMessageId: row.providerMessageId,
});
