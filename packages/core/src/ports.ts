import type { Readable } from 'node:stream';
import type {
  ChannelOwnerV1,
  ChannelRecordV1,
  DatabaseSettingsV1,
  InboundMessageRowV1,
  MediaOutcomeV1,
  MediaStatus,
  MetaAppRecordV1,
  Provider,
  QueueRole,
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

/** What callers ask the credentials broker; implementations cache answers briefly. */
export interface CredentialsClient {
  resolveChannel(provider: Provider, channelId: string): Promise<ChannelOwnerV1>;
  listMetaApps(): Promise<MetaAppRecordV1[]>;
  getTenantDatabase(tenantId: string): Promise<DatabaseSettingsV1>;
  getChannelCredentials(provider: Provider, channelId: string): Promise<ChannelRecordV1>;
  /** Drop cached answers (e.g. after a provider said a token expired). */
  invalidate(): void;
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

/** Gives the store of a tenant's database, pooled and reused across invocations. */
export interface TenantStores {
  forTenant(tenantId: string): Promise<InboundMessageStore>;
}
