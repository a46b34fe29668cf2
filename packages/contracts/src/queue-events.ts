import * as z from 'zod/mini';
import { Provider } from './provider';

/**
 * Messages on the gateway's queues. Producer and consumer parse the same schema; `schema` names the
 * contract and its major version. Queue messages never carry tokens, secrets or connection strings.
 */

const Routing = {
  tenantId: z.string().check(z.minLength(1)),
  provider: Provider,
  channelId: z.string().check(z.minLength(1)),
  providerMessageId: z.string().check(z.minLength(1)),
  /** The other party of the conversation (wa_id, BSUID, or Whapi chat id): part of the FIFO group id. */
  contactId: z.string(),
};

/** inbound-events.fifo: one inbound provider message, still in its provider's shape. */
export const InboundMessageEventV1 = z.object({
  schema: z.literal('inbound-message.v1'),
  ...Routing,
  /** The provider's original message item (Meta `messages[i]`, Whapi `messages[i]`). */
  item: z.record(z.string(), z.unknown()),
  /** Meta only: the `value.contacts[]` entry of the sender, when present. */
  contact: z.optional(z.record(z.string(), z.unknown())),
  /** S3 key of the archived raw webhook body that carried this message. */
  archiveKey: z.string(),
  receivedAt: z.iso.datetime(),
});
export type InboundMessageEventV1 = z.infer<typeof InboundMessageEventV1>;

export const MediaOutcomeV1 = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('stored'),
    key: z.string(),
    mimeType: z.string(),
    size: z.int().check(z.nonnegative()),
    sha256: z.string(),
  }),
  z.object({ status: z.literal('failed'), code: z.string(), reason: z.string() }),
]);
export type MediaOutcomeV1 = z.infer<typeof MediaOutcomeV1>;

/** inbound-events.fifo: the media function's outcome, applied to the already written row. */
export const MediaResultEventV1 = z.object({
  schema: z.literal('media-result.v1'),
  ...Routing,
  outcome: MediaOutcomeV1,
});
export type MediaResultEventV1 = z.infer<typeof MediaResultEventV1>;

export const InboundQueueEventV1 = z.discriminatedUnion('schema', [InboundMessageEventV1, MediaResultEventV1]);
export type InboundQueueEventV1 = z.infer<typeof InboundQueueEventV1>;

/** media-jobs.fifo: fetch one message's media from its provider into S3. */
export const MediaJobV1 = z.object({
  schema: z.literal('media-job.v1'),
  ...Routing,
  /** Provider media id (Meta media id / Whapi media id). */
  mediaId: z.optional(z.string()),
  /** A download link the provider put in the webhook; fetched only from the provider's hosts. */
  link: z.optional(z.string()),
  mimeType: z.optional(z.string()),
  filename: z.optional(z.string()),
  /** The message type that carried the media (image, audio, video, document, sticker, voice…). */
  kind: z.string(),
});
export type MediaJobV1 = z.infer<typeof MediaJobV1>;

export const ProviderErrorV1 = z.object({
  code: z.string(),
  title: z.optional(z.string()),
  message: z.optional(z.string()),
  details: z.optional(z.string()),
});
export type ProviderErrorV1 = z.infer<typeof ProviderErrorV1>;

/** status-events.fifo: one provider receipt (sent, delivered, read, played, failed, or anything newer). */
export const ReceiptEventV1 = z.object({
  schema: z.literal('receipt.v1'),
  ...Routing,
  /** Provider status string, kept as sent: unfamiliar statuses are stored, not rejected. */
  status: z.string().check(z.minLength(1)),
  occurredAt: z.iso.datetime(),
  recipientId: z.optional(z.string()),
  errors: z._default(z.array(ProviderErrorV1), []),
  item: z.record(z.string(), z.unknown()),
  archiveKey: z.string(),
  receivedAt: z.iso.datetime(),
});
export type ReceiptEventV1 = z.infer<typeof ReceiptEventV1>;

/**
 * outbound-messages.fifo: one leased wa_outbound_messages row to send. Group: the conversation
 * (tenant + channel + recipient); deduplication id: tenant + row id + attempt.
 */
export const OutboundMessageEventV1 = z.object({
  schema: z.literal('outbound-message.v1'),
  tenantId: z.string().check(z.minLength(1)),
  /** wa_outbound_messages.id (a string: BIGINT exceeds 2^53). */
  rowId: z.string().check(z.regex(/^\d+$/)),
  /** wa_outbound_messages.attempts after this lease (1 on the first). */
  attempt: z.int().check(z.positive()),
  provider: Provider,
  /** The sending channel: the row's channel_id, or the tenant's default when the row left it NULL. */
  channelId: z.string().check(z.minLength(1)),
  /** wa_outbound_messages.to_id. */
  toId: z.string().check(z.minLength(1)),
  /** The row's `message`, parsed and checked against OutboundContentV1 by the collector. */
  message: z.record(z.string(), z.unknown()),
  /**
   * The row's lease ends here. The sender does not start a send it could not finish before then:
   * after it, the collector's reaper may give the row to a new attempt.
   */
  leaseExpiresAt: z.iso.datetime(),
  queuedAt: z.iso.datetime(),
});
export type OutboundMessageEventV1 = z.infer<typeof OutboundMessageEventV1>;

export const SendOutcomeV1 = z.discriminatedUnion('status', [
  /** The provider accepted the message (a 200 with a message id). */
  z.object({
    status: z.literal('sent'),
    providerMessageId: z.string().check(z.minLength(1)),
    acceptedAt: z.iso.datetime(),
    /** Meta's messages[0].message_status for paced templates ('accepted', 'held_for_quality_assessment'). */
    messageStatus: z.optional(z.string()),
  }),
  /** The provider refused it for good (or the row cannot be sent): recorded, never retried. */
  z.object({
    status: z.literal('failed'),
    code: z.string().check(z.minLength(1)),
    message: z.string(),
    failedAt: z.iso.datetime(),
  }),
  /**
   * The request went out but no answer came back (a timeout or a reset after the body was sent):
   * the provider may or may not have accepted it. Not resent; see the message-sender README.
   */
  z.object({
    status: z.literal('unknown'),
    code: z.string().check(z.minLength(1)),
    message: z.string(),
    at: z.iso.datetime(),
  }),
]);
export type SendOutcomeV1 = z.infer<typeof SendOutcomeV1>;

/** status-events.fifo: the message-sender's result for one outbound row attempt. */
export const SendResultEventV1 = z.object({
  schema: z.literal('send-result.v1'),
  tenantId: z.string().check(z.minLength(1)),
  provider: Provider,
  channelId: z.string().check(z.minLength(1)),
  /** The recipient (wa_outbound_messages.to_id): part of the FIFO group id. */
  contactId: z.string(),
  rowId: z.string().check(z.regex(/^\d+$/)),
  attempt: z.int().check(z.positive()),
  outcome: SendOutcomeV1,
});
export type SendResultEventV1 = z.infer<typeof SendResultEventV1>;

export const StatusQueueEventV1 = z.discriminatedUnion('schema', [ReceiptEventV1, SendResultEventV1]);
export type StatusQueueEventV1 = z.infer<typeof StatusQueueEventV1>;

export const QueueRole = z.enum(['inbound-events', 'status-events', 'media-jobs', 'outbound-messages']);
export type QueueRole = z.infer<typeof QueueRole>;

/** Why an event was parked: its channel is owned by no tenant, or its owner's record cannot be served now. */
export const ParkReason = z.enum(['unknown-channel', 'channel-record-invalid']);
export type ParkReason = z.infer<typeof ParkReason>;

/**
 * An event the receiver could not give to a tenant: its channel belongs to no tenant yet, or the
 * broker refused the owner's record (a broken secret record). Stored under `parked/` in the bucket,
 * listed and replayed by `pnpm gateway parked …` once the channel is onboarded or its record repaired;
 * replay treats both reasons alike. `event` is the queue event without its tenantId.
 */
export const ParkedEventV1 = z.object({
  schema: z.literal('parked.v1'),
  reason: ParkReason,
  parkedAt: z.iso.datetime(),
  /**
   * The event's position among the events of its webhook body. Events of one body share `parkedAt`
   * and `receivedAt`, so replay orders by (receivedAt, sequence) to keep a conversation in order.
   */
  sequence: z.int().check(z.nonnegative()),
  provider: Provider,
  channelId: z.string(),
  queue: z.enum(['inbound-events', 'status-events']),
  event: z.record(z.string(), z.unknown()),
  /**
   * Whapi only: sha256 of the X-Gateway-Secret the sender presented. An unknown channel has no secret
   * to check yet, so the check happens at replay, against the onboarded channel's secret.
   */
  presentedSecretSha256: z.optional(z.string()),
  /**
   * Meta only: every app whose secret verifies the webhook's signature (apps may share a secret).
   * Replay refuses the event unless the onboarded number's app is among them; none recorded = refused.
   */
  signedByMetaAppIds: z.optional(z.array(z.string())),
});
export type ParkedEventV1 = z.infer<typeof ParkedEventV1>;
