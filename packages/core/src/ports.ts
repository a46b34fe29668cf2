import type { Readable } from 'node:stream';
import type {
  ChannelOwnerV1,
  ChannelRecordV1,
  DatabaseSettingsV1,
  InboundMessageRowV1,
  MediaOutcomeV1,
  MediaStatus,
  MetaAppRecordV1,
  OutboundStatus,
  Provider,
  QueueRole,
  TenantSummaryV1,
} from '@wagw/contracts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface QueueMessage {
  body: string;
  groupId: string;
  deduplicationId: string;
}

/** Puts messages on the gateway's FIFO queues. Resolves only when every message is durably queued. */
export interface EventPublisher {
  publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void>;
}

export interface BlobPutOptions {
  contentType: string;
  contentLength?: number;
  /** Content-Disposition served with the object (e.g. 'attachment', so a presigned URL never renders it inline). */
  contentDisposition?: string;
}

/** The gateway's private bucket (raw archive, parked events, media). */
export interface BlobStore {
  put(key: string, body: Uint8Array | string | Readable, options: BlobPutOptions): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** An object of the bucket with the content type it was stored with. */
export interface StoredBlob {
  bytes: Uint8Array;
  /** The object's Content-Type, when it has one. */
  contentType?: string;
}

/** What callers ask the credentials broker; implementations cache answers briefly. */
export interface CredentialsClient {
  resolveChannel(provider: Provider, channelId: string): Promise<ChannelOwnerV1>;
  listMetaApps(): Promise<MetaAppRecordV1[]>;
  getTenantDatabase(tenantId: string): Promise<DatabaseSettingsV1>;
  getChannelCredentials(provider: Provider, channelId: string): Promise<ChannelRecordV1>;
  /** Every tenant with its channel ids (no credentials): the outbound collector's fan-out list. */
  listTenants(): Promise<TenantSummaryV1[]>;
  /** Drop every cached answer. */
  invalidate(): void;
  /** Drop only this channel's cached answers (resolveChannel, getChannelCredentials): after a provider said its token expired. */
  invalidate(provider: Provider, channelId: string): void;
}

export type InsertOutcome = { outcome: 'inserted' } | { outcome: 'duplicate'; mediaStatus: MediaStatus };

export type MediaApplyOutcome = 'applied' | 'unchanged' | 'missing';

export interface MessageKey {
  provider: Provider;
  channelId: string;
  providerMessageId: string;
}

/** One tenant's database, as the inbound path uses it. */
export interface InboundMessageStore {
  /** Exactly once per (provider, channel_id, provider_message_id); a repeat reports 'duplicate'. */
  insertInboundMessage(row: InboundMessageRowV1): Promise<InsertOutcome>;
  /** Moves media_status from 'pending' to 'stored'/'failed'; any other state is left alone. */
  applyMediaOutcome(key: MessageKey, outcome: MediaOutcomeV1): Promise<MediaApplyOutcome>;
}

/** One leased wa_outbound_messages row, as the collector reads it. */
export interface LeasedOutboundRow {
  /** wa_outbound_messages.id as a string (BIGINT exceeds 2^53). */
  id: string;
  /** NULL = the tenant's default channel. */
  channelId: string | null;
  toId: string;
  /** The row's `message` column, unparsed (the collector checks it). */
  message: string;
  /** attempts after this lease (1 on the first lease). */
  attempt: number;
  reservedUntil: Date;
  createdAt: Date;
}

/** A row and the attempt the caller holds it under; a write with a stale attempt changes nothing. */
export interface OutboundRowRef {
  id: string;
  attempt: number;
}

export interface LeaseOptions {
  limit: number;
  now: Date;
  /** reserved_until = now + leaseSeconds. */
  leaseSeconds: number;
}

export interface ReapOptions {
  /** updated_at / failed_at of the rows the reaper changes. */
  now: Date;
  /**
   * Only 'queued' rows whose lease ended before this instant are reaped (reserved_until < expiredBefore):
   * the collector passes now − a grace period, so a send result still in flight at lease end can land.
   */
  expiredBefore: Date;
  /** A 'queued' row whose lease expired goes back to 'pending', or to 'failed' once it had this many attempts. */
  maxAttempts: number;
}

export interface ReapResult {
  requeued: number;
  failed: number;
}

/** One tenant's database, as the outbound collector uses it. */
export interface OutboundMessageStore {
  /**
   * Leases up to `limit` due rows in one statement, oldest id first: status 'pending', not_before
   * passed, no live lease, and no older row of the same conversation (to_id + channel) in flight
   * ('queued', or 'pending' under a live lease) — so a conversation leaves in id order and waits for
   * its older rows. Sets reserved_until = now + leaseSeconds, attempts + 1. Leases of one database
   * run one at a time; concurrent callers never get the same row.
   */
  leaseDueMessages(options: LeaseOptions): Promise<LeasedOutboundRow[]>;
  /** 'pending' → 'queued' (queued_at = now) for rows still held under these attempts. */
  markQueued(rows: readonly OutboundRowRef[], now: Date): Promise<void>;
  /**
   * Undoes leases whose enqueue failed: reserved_until NULL and attempts - 1, so the next lease uses
   * the same attempt number and SQS drops the copy if the failed enqueue had in fact gone through.
   */
  releaseLeases(rows: readonly OutboundRowRef[], now: Date): Promise<void>;
  /** A row that cannot be sent (bad JSON, unknown type, no channel): 'failed' with a clear reason. */
  failOutboundMessage(row: OutboundRowRef, error: { code: string; message: string }, now: Date): Promise<void>;
  /** Reclaims 'queued' rows whose lease expired without a send result. */
  reapExpiredLeases(options: ReapOptions): Promise<ReapResult>;
}

/** A send result for one row attempt, as the status-saver applies it. */
export type SendResultUpdate =
  | { status: 'sent'; row: OutboundRowRef; provider: Provider; channelId: string; providerMessageId: string; at: Date; now: Date }
  | { status: 'failed'; row: OutboundRowRef; provider: Provider; channelId: string; code: string; message: string; at: Date; now: Date };

/** A provider receipt reduced to what the row keeps. */
export interface ReceiptUpdate {
  provider: Provider;
  providerMessageId: string;
  /** The row status it moves to (outboundStatusForReceipt). */
  status: OutboundStatus;
  occurredAt: Date;
  errorCode: string | null;
  errorMessage: string | null;
  now: Date;
}

/**
 * A provider receipt that names the row attempt it is about (Meta echoes the sender's
 * `biz_opaque_callback_data = outbound:{rowId}:{attempt}`): proof that this attempt was accepted
 * under `providerMessageId`, even when its send result was ambiguous or has not landed yet.
 */
export interface SentMessageClaim {
  row: OutboundRowRef;
  provider: Provider;
  /** The receipt's channel: the row must have been sent from it (or not name one yet). */
  channelId: string;
  providerMessageId: string;
  /** The receipt's time; becomes sent_at when the row has none. */
  occurredAt: Date;
  now: Date;
}

/** One wa_status_events row. */
export interface StatusEventRow {
  provider: Provider;
  channelId: string;
  providerMessageId: string;
  /** Provider status as sent ('sent', 'delivered', 'read', 'played', 'failed', …) or 'unknown' for an ambiguous send. */
  status: string;
  recipientId: string | null;
  occurredAt: Date;
  errorCode: string | null;
  errorMessage: string | null;
  raw: Record<string, unknown> | null;
  /** wa_outbound_messages.id when the event is about a row the gateway sent. */
  outboundMessageId: string | null;
  receivedAt: Date;
}

/** One tenant's database, as the status-saver uses it. */
export interface StatusStore {
  /** Appends the event once per (provider, provider_message_id, status). */
  recordStatusEvent(event: StatusEventRow): Promise<'inserted' | 'duplicate'>;
  /**
   * Applies a send result (one conditional UPDATE). 'sent' is proof whatever the attempt: it applies
   * while the row has no provider message id and is 'pending'/'queued' or failed with
   * SEND_ATTEMPTS_EXHAUSTED/SEND_OUTCOME_UNKNOWN. 'failed' applies only to the row held under
   * `row.attempt` while 'pending'/'queued'. 'stale' when it did not apply.
   */
  applySendResult(result: SendResultUpdate): Promise<'applied' | 'stale'>;
  /**
   * Moves the row with this provider message id forward to `status` when its rank is higher (one
   * conditional UPDATE); 'unchanged' when the row is already there or beyond, 'no-row' when no row
   * carries the id (yet).
   */
  applyReceipt(receipt: ReceiptUpdate): Promise<'applied' | 'unchanged' | 'no-row'>;
  /**
   * Puts the receipt's provider message id on the row it names, as a 'sent' row (one conditional
   * UPDATE): only a row carrying no provider message id, on the receipt's provider and channel (or
   * none yet), while it is 'pending'/'queued' or 'failed' with SEND_OUTCOME_UNKNOWN or
   * SEND_ATTEMPTS_EXHAUSTED (a receipt proves the provider accepted it, whatever the attempt).
   * 'unchanged' for any other row (a real failure, a row that already has a provider message id).
   */
  claimSentMessage(claim: SentMessageClaim): Promise<'claimed' | 'unchanged'>;
  /** The recorded events of one provider message, oldest first (receipts that arrived before the send result). */
  listStatusEvents(provider: Provider, providerMessageId: string): Promise<StatusEventRow[]>;
}

/** Every port a tenant database offers the services. */
export type TenantDatabase = InboundMessageStore & OutboundMessageStore & StatusStore;

/** Gives the store of a tenant's database, pooled and reused across invocations. */
export interface TenantStores<S = InboundMessageStore> {
  forTenant(tenantId: string): Promise<S>;
}

/** A file to hand to a provider's media endpoint before sending it (a row's `s3_key` media). */
export interface OutboundMedia {
  bytes: Uint8Array;
  mimeType: string;
  filename: string;
}

/**
 * How one provider call ended, classified per reference §C3:
 * - `accepted`: the provider took the message (send) or the file (upload; `providerMessageId` is then the media id);
 * - `rejected`: it answered with an error; `retry` says what to do about it;
 * - `unknown`: the request went out but no answer came (timeout/reset after the body was written).
 */
export type ProviderCallResult =
  | { outcome: 'accepted'; providerMessageId: string; messageStatus?: string }
  | {
      outcome: 'rejected';
      /** The provider's error code as a string ('130429', '131047', 'HTTP_503', 'ECONNREFUSED'…). */
      code: string;
      message: string;
      /** permanent: record 'failed'; retryable: back off and retry; token-expired: refresh credentials once, then fail. */
      retry: 'permanent' | 'retryable' | 'token-expired';
      /** Back off at least this long (e.g. 6 s for a pair rate limit). */
      minDelaySeconds?: number;
      /** Graph API fbtrace_id, for the log. */
      traceId?: string;
    }
  | { outcome: 'unknown'; code: string; message: string };

export interface SendOptions {
  /** Meta only: echoed as `biz_opaque_callback_data` in status webhooks, unless the message sets its own. */
  callbackData?: string;
}

/**
 * One messaging provider (MetaCloudProvider, WhapiProvider). `message` is a checked OutboundContentV1
 * (the Cloud API message shape without messaging_product/to) whose media are given by `link` or
 * provider `id` (the sender has already uploaded any `s3_key` media).
 */
export interface MessagingProvider {
  send(channel: ChannelRecordV1, toId: string, message: Record<string, unknown>, options?: SendOptions): Promise<ProviderCallResult>;
  uploadMedia(channel: ChannelRecordV1, media: OutboundMedia): Promise<ProviderCallResult>;
}
