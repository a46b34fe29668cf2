import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { createLambdaContext } from './lambda-context';
import { errorFields, silentLogger } from './local-logger';
import type { LocalLogger } from './local-logger';

/** An HTTP API (payload format 2.0) Lambda handler. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** API Gateway's payload limit: bigger requests are refused before the function runs. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RawHttpRequest {
  method: string;
  /** Path and query exactly as on the request line. */
  url: string;
  /** Node's rawHeaders: name, value, name, value… in arrival order. */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  httpVersion?: string;
}

export interface ApiGatewayAdapterOptions {
  handler: HttpApiHandler;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  functionName?: string;
  maxBodyBytes?: number;
  logger?: LocalLogger;
}

export interface ApiGatewayAdapter {
  url: string;
  port: number;
  /** Handler invocations (one per request that reached the handler). */
  readonly counters: { invocations: number };
  close(): Promise<void>;
}

const TEXT_TYPES = [/^text\//, /^application\/(.+\+)?json$/, /^application\/(.+\+)?xml$/, /^application\/javascript$/, /^application\/x-www-form-urlencoded$/];

/** JSON, XML and text/* travel as text; everything else (or no content type) as base64, like API Gateway. */
export const isTextContentType = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return TEXT_TYPES.some((pattern) => pattern.test(mediaType));
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const decodeUtf8 = (bytes: Buffer): string | undefined => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number): string => String(value).padStart(2, '0');

/** requestContext.time in API Gateway's format: `12/Mar/2020:19:03:58 +0000`. */
export const formatRequestTime = (date: Date): string =>
  `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
  `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;

const normalizeIp = (address: string | undefined): string => {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
};

/** Translates one HTTP request into the event API Gateway (HTTP API, payload 2.0, `$default` route) sends. */
export const toApiGatewayEvent = (request: RawHttpRequest, now: Date = new Date()): APIGatewayProxyEventV2 => {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1).split('#')[0]!;

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((cookie) => cookie.trim()).filter((cookie) => cookie !== ''));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== '') {
    queryStringParameters = {};
    for (const [key, value] of new URLSearchParams(rawQueryString)) {
      const previous = queryStringParameters[key];
      queryStringParameters[key] = previous === undefined ? value : `${previous},${value}`;
    }
  }

  let body: string | undefined;
  let isBase64Encoded = false;
  if (request.body.length > 0) {
    const text = isTextContentType(headers['content-type']) ? decodeUtf8(request.body) : undefined;
    if (text === undefined) {
      body = request.body.toString('base64');
      isBase64Encoded = true;
    } else {
      body = text;
    }
  }

  const host = headers.host ?? '127.0.0.1';
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion ?? '1.1'}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  };
};

export interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

const jsonReply = (statusCode: number, value: unknown): HttpReply => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

/**
 * What API Gateway makes of a handler's result: a structured response when it has a statusCode,
 * otherwise 200 with the result as JSON (a string result is sent as is).
 */
export const fromApiGatewayResult = (result: APIGatewayProxyResultV2): HttpReply => {
  if (typeof result === 'string') {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(result) };
  }
  if (result === null || typeof result !== 'object' || !('statusCode' in result) || typeof result.statusCode !== 'number') {
    return jsonReply(200, result ?? null);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  headers['content-type'] ??= 'application/json';
  const rawBody = result.body ?? '';
  return {
    statusCode: result.statusCode,
    headers,
    cookies: result.cookies ?? [],
    body: result.isBase64Encoded ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody, 'utf8'),
  };
};

const readBody = (request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const send = (response: ServerResponse, reply: HttpReply, requestId: string): void => {
  response.statusCode = reply.statusCode;
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  if (reply.cookies.length > 0) response.setHeader('set-cookie', reply.cookies);
  response.setHeader('apigw-requestid', requestId);
  response.setHeader('content-length', reply.body.length);
  response.end(reply.body);
};

/** A local HTTP API: every request becomes an APIGatewayProxyEventV2 for `handler`, its result the response. */
export const startApiGatewayAdapter = async (options: ApiGatewayAdapterOptions): Promise<ApiGatewayAdapter> => {
  const logger = options.logger ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const functionName = options.functionName ?? 'http-api';
  const host = options.host ?? '127.0.0.1';
  const counters = { invocations: 0 };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, maxBodyBytes);
    if (body === 'too-large') {
      send(response, jsonReply(413, { message: 'Request Entity Too Large' }), randomUUID());
      return;
    }
    const event = toApiGatewayEvent({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: normalizeIp(request.socket.remoteAddress),
      httpVersion: request.httpVersion,
    });
    let reply: HttpReply;
    counters.invocations += 1;
    try {
      reply = fromApiGatewayResult(await options.handler(event, createLambdaContext({ functionName })));
    } catch (error) {
      logger.error({ ...errorFields(error), requestId: event.requestContext.requestId }, 'http handler failed');
      reply = jsonReply(500, { message: 'Internal Server Error' });
    }
    send(response, reply, event.requestContext.requestId);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error(errorFields(error), 'http adapter failed');
      if (!response.headersSent) send(response, jsonReply(500, { message: 'Internal Server Error' }), randomUUID());
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
};
