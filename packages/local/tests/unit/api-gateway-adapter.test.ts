import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  fromApiGatewayResult,
  isTextContentType,
  startApiGatewayAdapter,
  toApiGatewayEvent,
} from '../../src/api-gateway-adapter';
import type { ApiGatewayAdapter, HttpApiHandler } from '../../src/api-gateway-adapter';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends exact bytes with exact headers (fetch would normalise some of them). */
const send = (url: string, options: { method?: string; path: string; headers?: [string, string][]; body?: Buffer }) =>
  new Promise<RawResponse>((resolve, reject) => {
    const target = new URL(options.path, url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: options.method ?? 'GET', path: options.path },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    for (const [name, value] of options.headers ?? []) req.appendHeader(name, value);
    req.on('error', reject);
    req.end(options.body);
  });

describe('API Gateway v2 adapter', () => {
  let adapter: ApiGatewayAdapter;
  let events: APIGatewayProxyEventV2[];
  let reply: (event: APIGatewayProxyEventV2) => APIGatewayProxyResultV2;

  beforeEach(async () => {
    events = [];
    reply = () => ({ statusCode: 200, body: 'ok', headers: { 'content-type': 'text/plain' } });
    const handler: HttpApiHandler = async (event) => {
      events.push(event);
      return reply(event);
    };
    adapter = await startApiGatewayAdapter({ handler, port: 0, maxBodyBytes: 1024 });
  });

  afterEach(async () => {
    await adapter.close();
  });

  it('keeps query keys with dots and decodes their values', async () => {
    // Act
    await send(adapter.url, { path: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=a%20b&hub.challenge=123' });

    // Assert
    const event = events[0]!;
    expect(event.rawPath).toBe('/webhooks/meta');
    expect(event.rawQueryString).toBe('hub.mode=subscribe&hub.verify_token=a%20b&hub.challenge=123');
    expect(event.queryStringParameters).toEqual({ 'hub.mode': 'subscribe', 'hub.verify_token': 'a b', 'hub.challenge': '123' });
    expect(event.requestContext.http.method).toBe('GET');
    expect(event.body).toBeUndefined();
  });

  it('passes a JSON body as the exact text received, \\u escapes included', async () => {
    // Prepare
    const raw = Buffer.from('{"text":{"body":"caf\\u00e9 \\ud83d\\ude00"},  "n" : 1}\n', 'utf8');

    // Act
    await send(adapter.url, {
      method: 'POST',
      path: '/webhooks/meta',
      headers: [['Content-Type', 'application/json'], ['X-Hub-Signature-256', 'sha256=abc']],
      body: raw,
    });

    // Assert
    const event = events[0]!;
    expect(event.isBase64Encoded).toBe(false);
    expect(Buffer.from(event.body!, 'utf8').equals(raw)).toBe(true);
    expect(event.headers['x-hub-signature-256']).toBe('sha256=abc');
  });

  it('passes binary bodies as base64 with isBase64Encoded', async () => {
    // Prepare
    const raw = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7b]);

    // Act
    await send(adapter.url, { method: 'POST', path: '/upload', headers: [['Content-Type', 'application/octet-stream']], body: raw });

    // Assert
    expect(events[0]!.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0]!.body!, 'base64').equals(raw)).toBe(true);
  });

  it('falls back to base64 when a JSON body is not valid UTF-8, so no byte is lost', async () => {
    // Prepare
    const raw = Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]);

    // Act
    await send(adapter.url, { method: 'POST', path: '/x', headers: [['Content-Type', 'application/json']], body: raw });

    // Assert
    expect(events[0]!.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0]!.body!, 'base64').equals(raw)).toBe(true);
  });

  it('lower-cases headers, joins repeated ones with commas and moves cookies out', async () => {
    // Act
    await send(adapter.url, {
      path: '/health',
      headers: [['X-Repeat', 'a'], ['X-Repeat', 'b'], ['Cookie', 'one=1; two=2'], ['User-Agent', 'spec']],
    });

    // Assert
    const event = events[0]!;
    expect(event.headers['x-repeat']).toBe('a,b');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['one=1', 'two=2']);
    expect(event.requestContext.http.userAgent).toBe('spec');
    expect(event.requestContext.http.sourceIp).toBe('127.0.0.1');
    expect(event.routeKey).toBe('$default');
    expect(event.version).toBe('2.0');
  });

  it('answers with the status, headers and body the handler returned', async () => {
    // Prepare
    reply = () => ({ statusCode: 403, headers: { 'X-Reason': 'wrong-app' }, body: '{"error":"forbidden"}' });

    // Act
    const response = await send(adapter.url, { method: 'POST', path: '/webhooks/meta', headers: [['Content-Type', 'application/json']], body: Buffer.from('{}') });

    // Assert
    expect(response.status).toBe(403);
    expect(response.headers['x-reason']).toBe('wrong-app');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body.toString()).toBe('{"error":"forbidden"}');
  });

  it('decodes a base64 result body', async () => {
    // Prepare
    const bytes = Buffer.from([1, 2, 3, 250]);
    reply = () => ({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: bytes.toString('base64'), isBase64Encoded: true });

    // Act
    const response = await send(adapter.url, { path: '/image' });

    // Assert
    expect(response.body.equals(bytes)).toBe(true);
  });

  it('refuses a body over the size cap with 413 without invoking the handler', async () => {
    // Act
    const response = await send(adapter.url, { method: 'POST', path: '/webhooks/meta', headers: [['Content-Type', 'application/json']], body: Buffer.alloc(2048, 0x20) });

    // Assert
    expect(response.status).toBe(413);
    expect(events).toHaveLength(0);
  });

  it('counts each request that reached the handler as one invocation', async () => {
    // Prepare
    const before = adapter.counters.invocations;

    // Act
    await send(adapter.url, { path: '/health' });
    await send(adapter.url, { method: 'POST', path: '/webhooks/meta', headers: [['Content-Type', 'application/json']], body: Buffer.alloc(2048, 0x20) });

    // Assert: the refused oversized body never invoked the handler
    expect(adapter.counters.invocations - before).toBe(1);
  });

  it('answers 500 when the handler throws', async () => {
    // Prepare
    reply = () => {
      throw new Error('boom');
    };

    // Act
    const response = await send(adapter.url, { path: '/health' });

    // Assert
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Internal Server Error' });
  });
});

describe('event and result translation', () => {
  it('joins repeated query parameters with commas', () => {
    // Act
    const event = toApiGatewayEvent({ method: 'GET', url: '/p?a=1&a=2&b', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '10.0.0.1' });

    // Assert
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: '' });
  });

  it('leaves queryStringParameters out when there is no query', () => {
    // Act
    const event = toApiGatewayEvent({ method: 'GET', url: '/p', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '10.0.0.1' });

    // Assert
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.rawQueryString).toBe('');
  });

  it('formats the request time like API Gateway', () => {
    // Act
    const event = toApiGatewayEvent(
      { method: 'GET', url: '/', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '10.0.0.1' },
      new Date(Date.UTC(2020, 2, 12, 19, 3, 58)),
    );

    // Assert
    expect(event.requestContext.time).toBe('12/Mar/2020:19:03:58 +0000');
    expect(event.requestContext.timeEpoch).toBe(Date.UTC(2020, 2, 12, 19, 3, 58));
  });

  it('treats text and JSON types as text and everything else as binary', () => {
    expect(isTextContentType('application/json; charset=utf-8')).toBe(true);
    expect(isTextContentType('application/vnd.api+json')).toBe(true);
    expect(isTextContentType('text/plain')).toBe(true);
    expect(isTextContentType('image/jpeg')).toBe(false);
    expect(isTextContentType(undefined)).toBe(false);
  });

  it('turns a string result into a 200 JSON response and an object without statusCode into JSON', () => {
    // Act
    const fromString = fromApiGatewayResult('{"ok":true}');
    const fromObject = fromApiGatewayResult({ ok: true } as unknown as APIGatewayProxyResultV2);

    // Assert
    expect(fromString.statusCode).toBe(200);
    expect(fromString.body.toString()).toBe('{"ok":true}');
    expect(fromObject.statusCode).toBe(200);
    expect(JSON.parse(fromObject.body.toString())).toEqual({ ok: true });
    expect(fromObject.headers['content-type']).toBe('application/json');
  });
});
