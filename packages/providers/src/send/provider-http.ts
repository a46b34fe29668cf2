import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios from 'axios';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import type { ProviderCallResult } from '@wagw/core/ports';
import { classifyNetworkFailure } from './network-failure';

export interface ProviderHttpOptions {
  /** Whole-request deadline of a send (connect, write, answer). */
  sendTimeoutMs: number;
  /** Whole-request deadline of a media upload. */
  uploadTimeoutMs: number;
  /** Tests: a prepared axios instance (its own agents and defaults are then used as they are). */
  axios?: AxiosInstance;
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}

/** What came back: an HTTP answer of any status, or a call that ended without one (already classified). */
export type HttpExchange =
  | { kind: 'answered'; status: number; body: unknown }
  | { kind: 'no-answer'; result: ProviderCallResult };

export type CallKind = 'send' | 'upload';

/** Provider answers are small JSON documents; anything bigger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const parseAnswer = (text: unknown): unknown => {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * The HTTP side both providers share: one axios instance over keep-alive agents, every status
 * returned as an answer (the provider classifies it), no redirects followed, no proxy from the
 * environment (HTTP_PROXY, HTTPS_PROXY are ignored), and a deadline per call.
 */
export class ProviderHttp {
  /** The axios instance every call goes through (its defaults are asserted by tests). */
  readonly client: AxiosInstance;
  private readonly timeouts: Record<CallKind, number>;

  constructor(options: ProviderHttpOptions) {
    this.timeouts = { send: options.sendTimeoutMs, upload: options.uploadTimeoutMs };
    this.client =
      options.axios ??
      axios.create({
        httpAgent: options.httpAgent ?? new HttpAgent({ keepAlive: true }),
        httpsAgent: options.httpsAgent ?? new HttpsAgent({ keepAlive: true }),
        validateStatus: () => true,
        maxRedirects: 0,
        // Calls carry bearer tokens: they go straight to the channel's base URL, never through a proxy
        // named by HTTP(S)_PROXY. A proxy (e.g. a BSP pass-through) is a channel's base URL.
        proxy: false,
        maxContentLength: MAX_ANSWER_BYTES,
        // Uploads carry files up to 100 MB (documents); the answer size is what is limited.
        maxBodyLength: Infinity,
        responseType: 'text',
      });
  }

  async exchange(kind: CallKind, request: AxiosRequestConfig): Promise<HttpExchange> {
    const timeoutMs = this.timeouts[kind];
    try {
      const response = await this.client.request<unknown>({
        ...request,
        // `timeout` is the socket's idle limit; the signal bounds the whole call (the sender's lease relies on it).
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        validateStatus: () => true,
        maxRedirects: 0,
        proxy: false,
        responseType: 'text',
        transformResponse: (data: unknown) => data,
      });
      return { kind: 'answered', status: response.status, body: parseAnswer(response.data) };
    } catch (error) {
      const host = hostOf(request.url);
      return { kind: 'no-answer', result: classifyNetworkFailure(error, { kind, host, timeoutMs }) };
    }
  }
}

const hostOf = (url: string | undefined): string => {
  try {
    return url === undefined ? 'the provider' : new URL(url).host;
  } catch {
    return 'the provider';
  }
};
