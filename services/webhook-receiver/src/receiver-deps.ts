import type { BlobStore, Clock, CredentialsClient, EventPublisher } from '@wagw/core/ports';
import type { Logger } from '@wagw/runtime/logger';

/** The ports the webhook use cases work with (real adapters in dependencies.ts, fakes in tests). */
export interface ReceiverDeps {
  credentials: CredentialsClient;
  publisher: EventPublisher;
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
}

export interface ReceiverLimits {
  /** Bodies above this size are refused with 413 before anything else is done. */
  maxBodyBytes: number;
}

/** Everything the HTTP function needs. */
export interface ReceiverContext extends ReceiverDeps {
  limits: ReceiverLimits;
}
