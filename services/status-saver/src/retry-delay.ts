import { isGatewayError } from '@wagw/core/errors';
import type { BackoffSettings } from '@wagw/runtime/backoff';
import { equalJitterBackoffSeconds } from '@wagw/runtime/backoff';
import type { RetryBackoff } from '@wagw/runtime/sqs-fifo-batch';

export type RetryDelaySettings = BackoffSettings;

/** A dead tenant database is retried after 15 s, 30 s, 60 s … at most 300 s (each with jitter). */
export const TENANT_DB_RETRY: Omit<RetryDelaySettings, 'random'> = { baseSeconds: 15, maxSeconds: 300 };

/**
 * Seconds a failed status-events record stays hidden when its tenant's database is unavailable:
 * exponential backoff with equal jitter, between half and all of min(max, base·2^(receiveCount−1)),
 * at least 1 s. Every other error keeps the queue's visibility timeout (undefined): a driver error or
 * a broker hiccup is not helped by waiting longer, and a malformed event is dead-lettered anyway.
 */
export const retryDelaySeconds = (error: unknown, receiveCount: number, settings: RetryDelaySettings): number | undefined => {
  if (!isGatewayError(error) || error.code !== 'TENANT_DB_UNAVAILABLE') return undefined;
  return equalJitterBackoffSeconds(receiveCount, settings);
};

/** The FIFO wrapper's retry backoff for status-events: the delay above, set by `setVisibility`. */
export const statusRetryBackoff = (
  settings: RetryDelaySettings,
  setVisibility: (receiptHandle: string, seconds: number) => Promise<void>,
): RetryBackoff => ({
  delaySeconds: (error, receiveCount) => retryDelaySeconds(error, receiveCount, settings),
  setVisibility,
});
