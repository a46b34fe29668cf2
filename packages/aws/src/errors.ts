import { GatewayError } from '@wagw/core/errors';

/** A publisher was asked for a queue whose URL this service was not configured with. */
export class QueueNotConfiguredError extends GatewayError {
  constructor(queue: string) {
    super('QUEUE_NOT_CONFIGURED', `no URL is configured for queue ${queue}`);
  }
}

/** Some messages could not be queued; the caller must fail (and be retried) rather than answer success. */
export class QueuePublishError extends GatewayError {
  readonly failedCount: number;

  constructor(queue: string, failedCount: number, total: number, detail: string, options: { retryable: boolean; cause?: unknown }) {
    super(
      options.retryable ? 'QUEUE_PUBLISH_FAILED' : 'QUEUE_PUBLISH_REJECTED',
      `${failedCount} of ${total} messages were not queued on ${queue}${detail ? `: ${detail}` : ''}`,
      options,
    );
    this.failedCount = failedCount;
  }
}

/** The bucket could not be read or written now. */
export class BlobStoreError extends GatewayError {
  constructor(operation: string, key: string, cause: unknown) {
    super('BLOB_STORE_FAILED', `blob store ${operation} failed for ${key}`, { retryable: true, cause });
  }
}
