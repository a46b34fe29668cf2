import { z } from 'zod';
import { Provider } from './provider';

export const MediaStatus = z.enum(['none', 'pending', 'stored', 'failed']);
export type MediaStatus = z.infer<typeof MediaStatus>;

/** One row of wa_inbound_messages (DESIGN.md §4), as the gateway writes it. */
export const InboundMessageRowV1 = z.object({
  provider: Provider,
  channelId: z.string(),
  providerMessageId: z.string(),
  fromId: z.string(),
  fromName: z.string().nullable(),
  type: z.string(),
  body: z.string().nullable(),
  replyToId: z.string().nullable(),
  mediaStatus: MediaStatus,
  mediaKey: z.string().nullable(),
  mediaMimeType: z.string().nullable(),
  mediaSize: z.number().int().nullable(),
  mediaSha256: z.string().nullable(),
  /** Why media_status is 'failed' (code: reason). */
  mediaError: z.string().nullable(),
  /** Normalized type-specific object (JSON). */
  payload: z.record(z.string(), z.unknown()),
  /** The provider's original item (JSON). */
  raw: z.record(z.string(), z.unknown()),
  sentAt: z.date(),
  receivedAt: z.date(),
});
export type InboundMessageRowV1 = z.infer<typeof InboundMessageRowV1>;
