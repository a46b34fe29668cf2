import * as z from 'zod/mini';
import { Provider } from './provider';

export const MediaStatus = z.enum(['none', 'pending', 'stored', 'failed']);
export type MediaStatus = z.infer<typeof MediaStatus>;

/** One row of wa_inbound_messages (DESIGN.md §4), as the gateway writes it. */
export const InboundMessageRowV1 = z.object({
  provider: Provider,
  channelId: z.string(),
  providerMessageId: z.string(),
  fromId: z.string(),
  fromName: z.nullable(z.string()),
  type: z.string(),
  body: z.nullable(z.string()),
  replyToId: z.nullable(z.string()),
  mediaStatus: MediaStatus,
  mediaKey: z.nullable(z.string()),
  mediaMimeType: z.nullable(z.string()),
  mediaSize: z.nullable(z.int()),
  mediaSha256: z.nullable(z.string()),
  /** Why media_status is 'failed' (code: reason). */
  mediaError: z.nullable(z.string()),
  /** Normalized type-specific object (JSON). */
  payload: z.record(z.string(), z.unknown()),
  /** The provider's original item (JSON). */
  raw: z.record(z.string(), z.unknown()),
  sentAt: z.date(),
  receivedAt: z.date(),
});
export type InboundMessageRowV1 = z.infer<typeof InboundMessageRowV1>;
