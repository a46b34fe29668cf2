import type { Provider } from '@wagw/contracts';
import type { Clock, CredentialsClient, EventPublisher, MessagingProvider, StoredBlob } from '@wagw/core/ports';
import type { HeldResults } from './held-results';

export interface SendSettings {
  /** Timeout of one provider send call; the lease must leave twice this (the call plus as much again as margin). */
  sendTimeoutMs: number;
  /** Timeout of one provider media upload: the time budget of a record counts one per `s3_key` still to upload. */
  uploadTimeoutMs: number;
  /** From this delivery on, a retryable provider failure is recorded as failed (SEND_RETRIES_EXHAUSTED) instead of retried. */
  maxReceives: number;
  /** Largest file the provider takes for a media kind (image, audio, video, document, sticker). */
  mediaMaxBytes(kind: string): number;
}

/** An object read only if it is not larger than asked: else just its size, its bytes never read. */
export type BoundedBlob = { outcome: 'read'; blob: StoredBlob } | { outcome: 'too-large'; size: number };

/** The gateway's bucket as the sender reads `s3_key` media (S3BlobStore in production). */
export interface MediaReader {
  /** undefined when no object has this key. */
  getWithMetadataWithin(key: string, maxBytes: number): Promise<BoundedBlob | undefined>;
}

/** The ports the sender's use case needs (real adapters in dependencies.ts, fakes in tests). */
export interface MessageSenderDependencies {
  credentials: Pick<CredentialsClient, 'resolveChannel' | 'getChannelCredentials' | 'invalidate'>;
  providers: Readonly<Record<Provider, MessagingProvider>>;
  /** The gateway's bucket, for `s3_key` media. */
  media: MediaReader;
  /** Publishes send results to status-events. */
  results: EventPublisher;
  clock: Clock;
  settings: SendSettings;
  /** Results the provider produced but that could not be published yet (see held-results.ts). */
  held: HeldResults;
}
