import { GatewayError } from '@wagw/core/errors';

/**
 * A provider said "not now" (rate limit, 5xx, a network failure before the request went out, an
 * upload without an answer): the record is failed, hidden for an exponential backoff of at least
 * `minDelaySeconds`, and redelivered; after the queue's maxReceiveCount it is dead-lettered.
 */
export class ProviderRetryableError extends GatewayError {
  constructor(
    /** The provider's code ('130429', 'HTTP_503', 'ETIMEDOUT'…). */
    readonly providerCode: string,
    message: string,
    /** Back off at least this long (e.g. 6 s for a pair rate limit). */
    readonly minDelaySeconds = 0,
    /** Graph API fbtrace_id, for the log. */
    readonly traceId?: string,
  ) {
    super('PROVIDER_RETRYABLE', `${providerCode}: ${message}`, { retryable: true });
  }
}

/** The least time a thrown error asks to wait before its retry (0 when it does not say). */
export const minDelaySecondsOf = (error: unknown): number => (error instanceof ProviderRetryableError ? error.minDelaySeconds : 0);
