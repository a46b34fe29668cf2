import type { BackoffSettings } from '@wagw/runtime/backoff';
import { equalJitterBackoffSeconds } from '@wagw/runtime/backoff';
import type { RetryBackoff } from '@wagw/runtime/sqs-fifo-batch';
import { minDelaySecondsOf, NotStartedError } from './errors';

/** maxSeconds: SQS allows 12 h. */
export type RetryDelaySettings = BackoffSettings;

/** A record the invocation had no time for was not tried: a fresh invocation can take it at once. */
const NOT_STARTED_DELAY_SECONDS = 1;

/**
 * Seconds a failed outbound-messages record stays hidden: exponential backoff with equal jitter,
 * min(max, base·2^(receiveCount-1)) halved plus a random half, never below the error's own
 * minDelaySeconds, never above max, and at least 1 s (0 would redeliver at once). A record that was
 * not started (too little time left in the invocation) comes back after 1 s.
 */
export const retryDelaySeconds = (error: unknown, receiveCount: number, settings: RetryDelaySettings): number => {
  if (error instanceof NotStartedError) return Math.min(settings.maxSeconds, NOT_STARTED_DELAY_SECONDS);
  return equalJitterBackoffSeconds(receiveCount, settings, minDelaySecondsOf(error));
};

/** The FIFO wrapper's retry backoff for outbound-messages: the delay above, set by `setVisibility`. */
export const outboundRetryBackoff = (
  settings: RetryDelaySettings,
  setVisibility: (receiptHandle: string, seconds: number) => Promise<void>,
): RetryBackoff => ({
  delaySeconds: (error, receiveCount) => retryDelaySeconds(error, receiveCount, settings),
  setVisibility,
});
