import { GatewayError } from '@wagw/core/errors';

/**
 * A provider said "not now" (rate limit, 5xx, a network failure before the request went out, an
 * upload without an answer): the record is failed, hidden for an exponential backoff of at least
 * `minDelaySeconds`, and redelivered; from the SEND_MAX_RECEIVES-th delivery on it is recorded as
 * failed (`SEND_RETRIES_EXHAUSTED`) instead.
 */
export class ProviderRetryableError extends GatewayError {
  constructor(
    /** The provider's code ('130429', 'HTTP_503', 'ETIMEDOUT'…). */
    readonly providerCode: string,
    /** The provider's text as the provider client gave it (it may already start with the code). */
    readonly providerMessage: string,
    /** Back off at least this long (e.g. 6 s for a pair rate limit). */
    readonly minDelaySeconds = 0,
    /** Graph API fbtrace_id, for the log. */
    readonly traceId?: string,
  ) {
    super('PROVIDER_RETRYABLE', `${providerCode}: ${providerMessage}`, { retryable: true });
  }

  /** `code: message`, the code said once: the text recorded on the row when the retries run out. */
  describeProviderFailure(): string {
    return this.providerMessage.startsWith(`${this.providerCode}:`) ? this.providerMessage : `${this.providerCode}: ${this.providerMessage}`;
  }
}

/**
 * The Lambda invocation has too little time left to finish a step of this record (its uploads, two
 * sends and the publish of the result): nothing was started, the record (and the rest of its group)
 * comes back on a later invocation.
 */
export class NotStartedError extends GatewayError {
  constructor(
    readonly remainingMs: number,
    readonly neededMs: number,
  ) {
    super('NOT_STARTED', `not started: the invocation has ${remainingMs} ms left and the record needs up to ${neededMs} ms`, { retryable: true });
  }
}

/** The least time a thrown error asks to wait before its retry (0 when it does not say). */
export const minDelaySecondsOf = (error: unknown): number => (error instanceof ProviderRetryableError ? error.minDelaySeconds : 0);
