import type { ServerResponse } from 'node:http';
import type { SandboxFault } from './fault-table';
import { graphErrorBody, graphErrorStatus } from './graph-errors';

export const replyJson = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const GRAPH_ERRORS: Readonly<Record<number, { code: number; type: string; message: string }>> = {
  401: { code: 190, type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' },
  403: { code: 200, type: 'OAuthException', message: '(#200) Permissions error' },
  404: { code: 100, type: 'GraphMethodException', message: 'Unsupported get request. Object does not exist' },
  429: { code: 4, type: 'OAuthException', message: '(#4) Application request limit reached' },
};

/** Meta's Graph API error envelope for an HTTP status. */
export const replyGraphError = (res: ServerResponse, status: number): void => {
  const known = GRAPH_ERRORS[status] ?? { code: 131000, type: 'OAuthException', message: '(#131000) Something went wrong' };
  replyJson(res, status, { error: { ...known, fbtrace_id: 'ASANDBOXfbtraceid000' } });
};

/** Meta's Graph API envelope for an error code, with the HTTP status Meta uses for it (§C3). */
export const replyGraphCode = (res: ServerResponse, code: number, details?: string): void => {
  replyJson(res, graphErrorStatus(code), graphErrorBody(code, details));
};

const WHAPI_STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Whapi's error envelope for an HTTP status. */
export const replyWhapiError = (res: ServerResponse, status: number, details?: string): void => {
  const message = WHAPI_STATUS_MESSAGES[status] ?? 'Internal Server Error';
  replyJson(res, status, { error: { code: status, message, ...(details === undefined ? {} : { details }) } });
};

/** Whapi's answer to a body that fails validation (shape of shared/fixtures/whapi-error-response.json). */
export const replyWhapiBadRequest = (res: ServerResponse, details: string): void => {
  replyJson(res, 400, {
    error: { code: 400, message: 'Bad Request', details, href: 'https://whapi.cloud/docs/whatsapp/api/errors', support: 'care@whapi.cloud' },
  });
};

/** Whether a fault answers with an error instead of the real reply. */
export const faultAnswersError = (fault: SandboxFault): boolean =>
  fault.status !== undefined || fault.graphErrorCode !== undefined || fault.whapiStatus !== undefined;

/** A fault's error in the envelope of the provider whose route it hit. */
export const replyFault = (res: ServerResponse, provider: 'meta' | 'whapi', fault: SandboxFault): void => {
  if (provider === 'meta') {
    if (fault.graphErrorCode !== undefined) replyGraphCode(res, fault.graphErrorCode);
    else replyGraphError(res, fault.status ?? 500);
    return;
  }
  replyWhapiError(res, fault.whapiStatus ?? fault.status ?? 500);
};

export interface ServeBytesOptions {
  declaredSize?: number;
  omitContentLength?: boolean;
}

const CHUNK = 64 * 1024;

/** The file's bytes with its Content-Type; a declared size above the real one ends with a cut connection. */
export const serveBytes = (res: ServerResponse, mimeType: string, bytes: Uint8Array, options: ServeBytesOptions = {}): void => {
  const headers: Record<string, string | number> = { 'content-type': mimeType };
  if (options.omitContentLength !== true) headers['content-length'] = options.declaredSize ?? bytes.length;
  res.writeHead(200, headers);
  if (options.declaredSize !== undefined && options.declaredSize > bytes.length) {
    // The promised bytes never come: send what there is, then cut the connection.
    res.flushHeaders();
    res.write(bytes, () => res.destroy());
    return;
  }
  for (let offset = 0; offset < bytes.length; offset += CHUNK) res.write(bytes.subarray(offset, offset + CHUNK));
  res.end();
};
