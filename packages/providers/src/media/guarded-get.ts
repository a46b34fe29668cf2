import type { HostPolicy } from './host-policy';
import type { HttpResponse, HttpTransport } from './http-transport';
import { MediaErrorCode, permanentMediaError } from './media-error-codes';
import { nodeHttpTransport } from './node-http-transport';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
export const DEFAULT_MAX_REDIRECTS = 3;

export interface GuardedGetOptions {
  policy: HostPolicy;
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
  maxRedirects?: number;
  transport?: HttpTransport;
}

export interface GuardedResponse extends HttpResponse {
  /** The URL that finally answered. */
  url: URL;
}

const withoutAuthorization = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));

/**
 * GET that follows redirects by hand, checking every URL against the host policy (scheme, host,
 * resolved address) before touching it. The bearer token never follows a redirect to another origin.
 */
export const guardedGet = async (url: URL, options: GuardedGetOptions): Promise<GuardedResponse> => {
  const { policy, timeoutMs } = options;
  const transport = options.transport ?? nodeHttpTransport;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = url;
  let headers: Readonly<Record<string, string>> = options.headers ?? {};

  for (let redirects = 0; ; redirects += 1) {
    policy.assertUrlAllowed(current);
    const response = await transport({
      url: current,
      headers,
      timeoutMs,
      checkAddress: (host, address) => policy.assertAddressAllowed(host, address),
    });
    if (!REDIRECT_STATUSES.has(response.status)) return { ...response, url: current };

    response.body.destroy();
    const location = response.headers.location;
    if (location === undefined || location === '') {
      throw permanentMediaError(MediaErrorCode.REJECTED, `${current.hostname} redirected without a Location`);
    }
    if (redirects >= maxRedirects) {
      throw permanentMediaError(MediaErrorCode.TOO_MANY_REDIRECTS, `more than ${maxRedirects} redirects from ${url.hostname}`);
    }
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw permanentMediaError(MediaErrorCode.REJECTED, `${current.hostname} redirected to an invalid URL`);
    }
    if (next.origin !== current.origin) headers = withoutAuthorization(headers);
    current = next;
  }
};
