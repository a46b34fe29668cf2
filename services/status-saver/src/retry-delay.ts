import { isGatewayError } from '@wagw/core/errors';
import type { RetryBackoff } from '@wagw/runtime/sqs-fifo-batch';

export interface RetryDelaySettings {
  /** Upper bound of the first retry's delay. */
  baseSeconds: number;
  /** No delay is longer. */
  maxSeconds: number;
  /** [0, 1); Math.random in production, fixed in tests. */
  random: () => number;
}

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
  const exponent = Math.max(0, receiveCount - 1);
  const ceiling = Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.min(exponent, 30));
  const jittered = ceiling / 2 + settings.random() * (ceiling / 2);
  return Math.min(settings.maxSeconds, Math.max(1, Math.ceil(jittered)));
};

/** The FIFO wrapper's retry backoff for status-events: the delay above, set by `setVisibility`. */
export const statusRetryBackoff = (
  settings: RetryDelaySettings,
  setVisibility: (receiptHandle: string, seconds: number) => Promise<void>,
): RetryBackoff => ({
  delaySeconds: (error, receiveCount) => retryDelaySeconds(error, receiveCount, settings),
  setVisibility,
});
