import type { Readable } from 'node:stream';

export interface HttpRequest {
  url: URL;
  headers: Readonly<Record<string, string>>;
  /** Until the response headers arrive, and then the longest silence while the body streams. */
  timeoutMs: number;
  /** Called with every address the host resolves to, before connecting; throws to refuse it. */
  checkAddress(host: string, address: string): void;
}

export interface HttpResponse {
  status: number;
  /** Lowercase header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body, unbuffered. Destroy it when not reading it. */
  body: Readable;
}

/** One GET, no redirect following: the guarded fetch follows them itself so it can check every hop. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;
