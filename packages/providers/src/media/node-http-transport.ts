import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isGatewayError } from '@wagw/core/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport';
import { MediaErrorCode, retryableMediaError } from './media-error-codes';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const flattenHeaders = (headers: IncomingHttpHeaders): Record<string, string | undefined> => {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
};

/**
 * GET over node:http(s) with the address check inside DNS resolution, so the address connected to
 * is the address checked (no gap for DNS rebinding between check and connect).
 */
export const nodeHttpTransport: HttpTransport = (request: HttpRequest) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const { url, timeoutMs } = request;
    const host = url.hostname;

    const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error !== null) {
          callback(error, []);
          return;
        }
        try {
          for (const entry of addresses) request.checkAddress(hostname, entry.address);
        } catch (refused) {
          callback(refused as NodeJS.ErrnoException, []);
          return;
        }
        if (options.all === true) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
      });
    };

    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headersDeadline = AbortSignal.timeout(timeoutMs);
    const onDeadline = (): void => {
      req.destroy(retryableMediaError(MediaErrorCode.FETCH_FAILED, `${host} did not answer within ${timeoutMs} ms`));
    };

    const req = send(url, { method: 'GET', headers: { ...request.headers }, lookup }, (res) => {
      headersDeadline.removeEventListener('abort', onDeadline);
      resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: res });
    });
    headersDeadline.addEventListener('abort', onDeadline, { once: true });
    req.setTimeout(timeoutMs, () => {
      req.destroy(retryableMediaError(MediaErrorCode.FETCH_FAILED, `${host} went silent for ${timeoutMs} ms`));
    });
    req.on('error', (error) => {
      headersDeadline.removeEventListener('abort', onDeadline);
      reject(isGatewayError(error) ? error : retryableMediaError(MediaErrorCode.FETCH_FAILED, `request to ${host} failed: ${error.message}`, error));
    });
    req.end();
  });
