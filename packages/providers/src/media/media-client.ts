import type { Readable } from 'node:stream';
import type { ChannelRecordV1, MediaJobV1 } from '@wagw/contracts';
import type { GuardedGetOptions } from './guarded-get';
import type { HttpTransport } from './http-transport';

export interface MediaRequest {
  job: MediaJobV1;
  /** The channel's record from the credentials broker (holds the token; never logged). */
  channel: ChannelRecordV1;
  /** Above this many bytes (declared or streamed) the download fails with MEDIA_TOO_LARGE. */
  maxBytes: number;
}

export interface MediaDownload {
  /** The file's bytes, streamed and already limited to `maxBytes`. */
  body: Readable;
  /** Best known type: the provider's metadata, else the webhook's, else the response's Content-Type. */
  mimeType: string;
  /** Size the provider declared, when it did. */
  declaredSize?: number;
}

/**
 * Opens one message's media at its provider. Rejects with a MediaFetchError whose `retryable` says
 * whether trying later can help; MEDIA_UNAUTHORIZED tells the caller to refresh the credentials.
 */
export interface MediaClient {
  open(request: MediaRequest): Promise<MediaDownload>;
}

export interface MediaClientOptions {
  /** Extra hosts media may come from (MEDIA_ALLOWED_HOSTS), exactly as written. */
  allowedHosts?: readonly string[];
  /** Per request: until headers, and the longest silence while the body streams. */
  timeoutMs?: number;
  maxRedirects?: number;
  transport?: HttpTransport;
}

export const DEFAULT_MEDIA_TIMEOUT_MS = 15_000;

export const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;

export type MediaFetchOptions = Omit<GuardedGetOptions, 'policy' | 'headers'>;

/** The per-request settings every provider's client passes to guardedGet. */
export const mediaFetchOptions = (options: MediaClientOptions): MediaFetchOptions => ({
  timeoutMs: options.timeoutMs ?? DEFAULT_MEDIA_TIMEOUT_MS,
  ...(options.maxRedirects === undefined ? {} : { maxRedirects: options.maxRedirects }),
  ...(options.transport === undefined ? {} : { transport: options.transport }),
});
export const OCTET_STREAM = 'application/octet-stream';
/** Metadata and error answers are small; anything bigger is not what the API documents. */
export const MAX_JSON_BYTES = 64 * 1024;

/** A Content-Type worth keeping: not empty and not the generic octet-stream. */
export const meaningfulType = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || trimmed.toLowerCase().startsWith(OCTET_STREAM) ? undefined : trimmed;
};
