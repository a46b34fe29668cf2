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

/** wa_outbound_messages.status. */
export const OutboundStatus = z.enum(['pending', 'queued', 'sent', 'failed', 'delivered', 'read']);
export type OutboundStatus = z.infer<typeof OutboundStatus>;

/**
 * The order a row's status only moves forward in. 'failed' ranks above 'sent' (an accepted message
 * can still fail later) and below 'delivered'/'read' (proof the user got it wins over a late or
 * racing failure on another device).
 */
export const OUTBOUND_STATUS_RANK: Readonly<Record<OutboundStatus, number>> = {
  pending: 0,
  queued: 1,
  sent: 2,
  failed: 3,
  delivered: 4,
  read: 5,
};

/**
 * The row status a provider receipt moves a row to; undefined for statuses that only go to
 * wa_status_events (Whapi 'pending'/'deleted', anything unfamiliar). 'played' (voice) implies read.
 */
export const outboundStatusForReceipt = (status: string): OutboundStatus | undefined => {
  switch (status) {
    case 'sent':
    case 'delivered':
    case 'read':
    case 'failed':
      return status;
    case 'played':
      return 'read';
    default:
      return undefined;
  }
};
