import { MediaFetchError } from '@wagw/core/errors';

/** Codes a media download ends with; the inbound row's failure reason starts with one of them. */
export const MediaErrorCode = {
  /** Network error or timeout talking to the provider: retried. */
  FETCH_FAILED: 'MEDIA_FETCH_FAILED',
  /** The provider answered 429 or 5xx: retried. */
  PROVIDER_UNAVAILABLE: 'MEDIA_PROVIDER_UNAVAILABLE',
  /** The provider refused the channel's token, even after the credentials were refreshed. */
  UNAUTHORIZED: 'MEDIA_UNAUTHORIZED',
  /** The media id (or its download URL, after one re-GET) is unknown or expired. */
  NOT_FOUND: 'MEDIA_NOT_FOUND',
  /** Declared or actual size above the limit for its kind or the global cap. */
  TOO_LARGE: 'MEDIA_TOO_LARGE',
  /** A URL outside the provider's hosts, a non-https URL, or a private address (SSRF guard). */
  HOST_FORBIDDEN: 'MEDIA_HOST_FORBIDDEN',
  TOO_MANY_REDIRECTS: 'MEDIA_TOO_MANY_REDIRECTS',
  /** Any other 4xx answer, or an answer that is not what the API documents. */
  REJECTED: 'MEDIA_REJECTED',
  /** The job names neither a media id nor a link. */
  JOB_INVALID: 'MEDIA_JOB_INVALID',
  /** A transient failure on the last allowed attempt. */
  RETRIES_EXHAUSTED: 'MEDIA_RETRIES_EXHAUSTED',
} as const;
export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];

export const permanentMediaError = (code: MediaErrorCode, message: string, cause?: unknown): MediaFetchError =>
  new MediaFetchError(code, message, { retryable: false, cause });

export const retryableMediaError = (code: MediaErrorCode, message: string, cause?: unknown): MediaFetchError =>
  new MediaFetchError(code, message, { retryable: true, cause });

/**
 * The error for a provider's HTTP answer that is not a success. `what` names the request for the
 * reason text (never a URL with its query, never a token).
 */
export const httpStatusError = (status: number, what: string): MediaFetchError => {
  const message = `${what} answered HTTP ${status}`;
  if (status === 401 || status === 403) return permanentMediaError(MediaErrorCode.UNAUTHORIZED, message);
  if (status === 404 || status === 410) return permanentMediaError(MediaErrorCode.NOT_FOUND, message);
  if (status === 408 || status === 429 || status >= 500) return retryableMediaError(MediaErrorCode.PROVIDER_UNAVAILABLE, message);
  return permanentMediaError(MediaErrorCode.REJECTED, message);
};
