import { GatewayError } from '@wagw/core/errors';

/** A publisher was asked for a queue whose URL this service was not configured with. */
export class QueueNotConfiguredError extends GatewayError {
  constructor(queue: string) {
    super('QUEUE_NOT_CONFIGURED', `no URL is configured for queue ${queue}`);
  }
}

/** Where each message of a failed publish stands, by deduplication id. */
export interface PublishOutcome {
  /** SQS confirmed these. */
  queued: readonly string[];
  /** Sent in a SendMessageBatch call that threw: SQS may or may not have them. */
  ambiguous: readonly string[];
  /** Certainly not on the queue: reported failed by SQS, or never sent. */
  notQueued: readonly string[];
}

/**
 * Some messages could not be queued; the caller must fail (and be retried) rather than answer success.
 * The deduplication-id lists say which messages did reach the queue, which may have, and which did not:
 * a caller that undoes work for a failed publish must undo only `notQueuedDeduplicationIds`.
 */
export class QueuePublishError extends GatewayError {
  /** Messages not known to be queued: ambiguous + not queued. */
  readonly failedCount: number;
  readonly queuedDeduplicationIds: readonly string[];
  readonly ambiguousDeduplicationIds: readonly string[];
  readonly notQueuedDeduplicationIds: readonly string[];

  constructor(queue: string, outcome: PublishOutcome, detail: string, options: { retryable: boolean; cause?: unknown }) {
    const failedCount = outcome.ambiguous.length + outcome.notQueued.length;
    const total = failedCount + outcome.queued.length;
    const maybe = outcome.ambiguous.length > 0 ? ` (${outcome.ambiguous.length} of them may have been)` : '';
    super(
      options.retryable ? 'QUEUE_PUBLISH_FAILED' : 'QUEUE_PUBLISH_REJECTED',
      `${failedCount} of ${total} messages were not queued on ${queue}${maybe}${detail ? `: ${detail}` : ''}`,
      options,
    );
    this.failedCount = failedCount;
    this.queuedDeduplicationIds = [...outcome.queued];
    this.ambiguousDeduplicationIds = [...outcome.ambiguous];
    this.notQueuedDeduplicationIds = [...outcome.notQueued];
  }
}

/** The bucket could not be read or written now. */
export class BlobStoreError extends GatewayError {
  constructor(operation: string, key: string, cause: unknown) {
    super('BLOB_STORE_FAILED', `blob store ${operation} failed for ${key}`, { retryable: true, cause });
  }
}
