import type { ServerResponse } from 'node:http';

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

/** Whapi's error envelope for an HTTP status. */
export const replyWhapiError = (res: ServerResponse, status: number): void => {
  const messages: Readonly<Record<number, string>> = {
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
  };
  replyJson(res, status, { error: { code: status, message: messages[status] ?? 'Internal Server Error' } });
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
