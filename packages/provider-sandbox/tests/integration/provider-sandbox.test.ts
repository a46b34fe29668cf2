import { request as httpRequest } from 'node:http';
import { startProviderSandbox } from '../../src/provider-sandbox';
import type { ProviderSandbox } from '../../src/provider-sandbox';

const META_TOKEN = 'meta-sandbox-token';
const WHAPI_TOKEN = 'whapi-sandbox-token';
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Reads only the status and headers (a declared size above the bytes ends in a cut connection). */
const head = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.on('error', () => undefined);
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });

describe('provider sandbox (media)', () => {
  let sandbox: ProviderSandbox;

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ port: 0, tokens: { meta: [META_TOKEN], whapi: [WHAPI_TOKEN] } });
    sandbox.addMedia({ id: '500000000000001', mimeType: 'image/jpeg', bytes: JPEG });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('gives Meta a download URL on itself that serves the bytes to the token holder', async () => {
    // Act
    const lookup = await fetch(`${sandbox.url}/v24.0/500000000000001?phone_number_id=100000000000001`, { headers: bearer(META_TOKEN) });
    const body = (await lookup.json()) as { url: string; mime_type: string; file_size: string; id: string };
    const download = await fetch(body.url, { headers: bearer(META_TOKEN) });

    // Assert
    expect(lookup.status).toBe(200);
    expect(body).toMatchObject({ mime_type: 'image/jpeg', file_size: String(JPEG.length), id: '500000000000001' });
    expect(new URL(body.url).origin).toBe(sandbox.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(JPEG);
  });

  it('answers a bad Meta token with Graph error 190', async () => {
    const response = await fetch(`${sandbox.url}/v24.0/500000000000001`, { headers: bearer('wrong') });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 190, type: 'OAuthException' } });
  });

  it('answers an unknown Meta media id with Graph error 100', async () => {
    const response = await fetch(`${sandbox.url}/v24.0/999`, { headers: bearer(META_TOKEN) });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 100 } });
  });

  it('refuses a Meta download without the token', async () => {
    const lookup = await fetch(`${sandbox.url}/v24.0/500000000000001`, { headers: bearer(META_TOKEN) });
    const { url } = (await lookup.json()) as { url: string };

    const download = await fetch(url);

    expect(download.status).toBe(401);
  });

  it('serves Whapi media by id to the token holder only', async () => {
    const good = await fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(WHAPI_TOKEN) });
    const bad = await fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(META_TOKEN) });

    expect(good.status).toBe(200);
    expect(new Uint8Array(await good.arrayBuffer())).toEqual(JPEG);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 401 } });
  });

  it('serves a Whapi webhook link without a token', async () => {
    const response = await fetch(sandbox.whapiMediaLink('500000000000001'));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
  });

  it('applies an injected status for as many times as asked, then recovers', async () => {
    // Prepare
    sandbox.injectFault({ mediaId: '500000000000001', route: 'whapi-media', status: 500, times: 1 });

    // Act
    const first = await fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(WHAPI_TOKEN) });
    const second = await fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(WHAPI_TOKEN) });

    // Assert
    expect(first.status).toBe(500);
    expect(second.status).toBe(200);
  });

  it('applies a global fault to every media id and route until cleared', async () => {
    sandbox.injectFault({ status: 429 });

    const meta = await fetch(`${sandbox.url}/v24.0/500000000000001`, { headers: bearer(META_TOKEN) });
    const whapi = await fetch(`${sandbox.url}/media/other`, { headers: bearer(WHAPI_TOKEN) });
    sandbox.clearFaults();
    const after = await fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(WHAPI_TOKEN) });

    expect([meta.status, whapi.status, after.status]).toEqual([429, 429, 200]);
  });

  it('declares an oversized Content-Length and file_size when asked', async () => {
    sandbox.injectFault({ mediaId: '500000000000001', declaredSize: 50_000_000 });

    const lookup = await fetch(`${sandbox.url}/v24.0/500000000000001`, { headers: bearer(META_TOKEN) });
    const download = await head(`${sandbox.url}/media/500000000000001`, bearer(WHAPI_TOKEN));

    expect(((await lookup.json()) as { file_size: string }).file_size).toBe('50000000');
    expect(download.headers['content-length']).toBe('50000000');
  });

  it('streams without a Content-Length when asked', async () => {
    sandbox.injectFault({ route: 'whapi-media', omitContentLength: true });

    const response = await fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(WHAPI_TOKEN) });

    expect(response.headers.get('content-length')).toBeNull();
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(JPEG);
  });

  it('holds a delayed answer until the client gives up', async () => {
    sandbox.injectFault({ route: 'whapi-media', delayMs: 60_000 });

    const attempt = fetch(`${sandbox.url}/media/500000000000001`, { headers: bearer(WHAPI_TOKEN), signal: AbortSignal.timeout(100) });

    await expect(attempt).rejects.toThrow();
  });

  it('records requests with their route, never the token', async () => {
    await fetch(`${sandbox.url}/v24.0/500000000000001?phone_number_id=100000000000001`, { headers: bearer(META_TOKEN) });
    await fetch(`${sandbox.url}/nowhere`);

    expect(sandbox.requests).toEqual([
      {
        route: 'meta-media-lookup',
        method: 'GET',
        path: '/v24.0/500000000000001',
        query: { phone_number_id: '100000000000001' },
        authorized: true,
        receivedAt: expect.any(Number),
      },
      { route: undefined, method: 'GET', path: '/nowhere', query: {}, authorized: false, receivedAt: expect.any(Number) },
    ]);
    expect(JSON.stringify(sandbox.requests)).not.toContain(META_TOKEN);
  });

  it('takes more endpoints through its route table', async () => {
    sandbox.addRoute({
      name: 'whapi-send-poll',
      method: 'POST',
      pattern: /^\/messages\/poll$/,
      handle: ({ res }) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sent: true }));
      },
    });

    const response = await fetch(`${sandbox.url}/messages/poll`, { method: 'POST', body: '{}' });

    expect(await response.json()).toEqual({ sent: true });
    expect(sandbox.requests.at(-1)?.route).toBe('whapi-send-poll');
  });
});

describe('provider sandbox lifecycle', () => {
  it('closes while an answer is still delayed', async () => {
    // Prepare
    const sandbox = await startProviderSandbox({ tokens: { meta: [], whapi: [WHAPI_TOKEN] } });
    sandbox.addMedia({ id: 'm1', mimeType: 'audio/ogg', bytes: JPEG });
    sandbox.injectFault({ delayMs: 60_000 });
    const pending = fetch(`${sandbox.url}/media/m1`, { headers: bearer(WHAPI_TOKEN) }).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setImmediate(resolve));
    while (sandbox.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // Act
    await sandbox.close();

    // Assert
    expect(await pending).toBe('cut');
  });
});
