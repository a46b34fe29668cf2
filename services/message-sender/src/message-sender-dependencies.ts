import type { Provider } from '@wagw/contracts';
import type { BlobReader, Clock, CredentialsClient, EventPublisher, MessagingProvider } from '@wagw/core/ports';
import type { HeldResults } from './held-results';

export interface SendSettings {
  /** Timeout of one provider send call; the lease must leave twice this (the call plus as much again as margin). */
  sendTimeoutMs: number;
}

/** The ports the sender's use case needs (real adapters in dependencies.ts, fakes in tests). */
export interface MessageSenderDependencies {
  credentials: Pick<CredentialsClient, 'resolveChannel' | 'getChannelCredentials' | 'invalidate'>;
  providers: Readonly<Record<Provider, MessagingProvider>>;
  /** The gateway's bucket, for `s3_key` media. */
  media: BlobReader;
  /** Publishes send results to status-events. */
  results: EventPublisher;
  clock: Clock;
  settings: SendSettings;
  /** Results the provider produced but that could not be published yet (see held-results.ts). */
  held: HeldResults;
}
