import { closedPortUrl, reply, replyText, startStubServer } from '../../support/stub-server';
import type { StubAction, StubServer } from '../../support/stub-server';
import { META_TOKEN, PHONE_NUMBER_ID, metaChannel, whapiChannel } from '../../support/channels';
import { fixtureJson } from '../../support/fixtures';
import { parseMultipart, testProviders } from '../../support/providers';
import type { TestProviders } from '../../support/providers';

const TEXT = { type: 'text', text: { body: 'Hello' } };
const SEND_PATH = `/v24.0/${PHONE_NUMBER_ID}/messages`;

describe('MetaCloudProvider against a real HTTP server', () => {
  let server: StubServer;
  let clients: TestProviders;
  let next: (index: number) => StubAction;

  beforeEach(async () => {
    next = () => reply(200, fixtureJson('meta-send-response.json'));
    server = await startStubServer((_request, index) => next(index));
    clients = testProviders();
  });

  afterEach(async () => {
    clients.close();
    await server.close();
  });

  const send = (message: Record<string, unknown> = TEXT, options?: { callbackData?: string }) =>
    clients.providers.meta.send(metaChannel(server.baseUrl), '+15550001111', message, options);

  it('posts the Cloud API body to /{version}/{phone_number_id}/messages with the bearer token', async () => {
    // Act
    const result = await send({ type: 'text', text: { body: 'Hello', preview_url: true } }, { callbackData: 'row=7' });

    // Assert
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: 'wamid.TEST-OUT-TEXT-0001' });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: SEND_PATH });
    expect(request?.headers.authorization).toBe(`Bearer ${META_TOKEN}`);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request?.body.toString('utf8') ?? '')).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+15550001111',
      type: 'text',
      text: { body: 'Hello', preview_url: true },
      biz_opaque_callback_data: 'row=7',
    });
  });

  it('keeps the path of a pass-through proxy base URL', async () => {
    await clients.providers.meta.send(metaChannel(`${server.baseUrl}/bsp/graph/`, { graphVersion: 'v23.0' }), '1555', TEXT);

    expect(server.requests[0]?.path).toBe(`/bsp/graph/v23.0/${PHONE_NUMBER_ID}/messages`);
  });

  it('reuses one keep-alive connection for consecutive sends', async () => {
    await send();
    await send();

    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers.connection).toBe('keep-alive');
  });

  it.each<[string, number, string, string]>([
    ['meta-error-130429.json', 429, '130429', 'retryable'],
    ['meta-error-4.json', 429, '4', 'retryable'],
    ['meta-error-131000.json', 500, '131000', 'retryable'],
    ['meta-error-131047.json', 400, '131047', 'permanent'],
    ['meta-error-131053.json', 400, '131053', 'permanent'],
    ['meta-error-132001.json', 400, '132001', 'permanent'],
    ['meta-error-100.json', 400, '100', 'permanent'],
    ['meta-error-368.json', 403, '368', 'permanent'],
    ['meta-error-190.json', 401, '190', 'token-expired'],
  ])('classifies %s answered with HTTP %i as %s/%s', async (fixture, status, code, retry) => {
    next = () => reply(status, fixtureJson(fixture));

    const result = await send();

    expect(result).toMatchObject({ outcome: 'rejected', code, retry, traceId: 'ATESTfbtraceid0000000' });
  });

  it('retries a plain 503 from a proxy in front of the Graph API', async () => {
    next = () => replyText(503, 'Service Unavailable');

    expect(await send()).toMatchObject({ outcome: 'rejected', code: 'HTTP_503', retry: 'retryable' });
  });

  it('retries a bare 429', async () => {
    next = () => reply(429);

    expect(await send()).toMatchObject({ outcome: 'rejected', code: 'HTTP_429', retry: 'retryable' });
  });

  it('does not follow a redirect', async () => {
    next = () => ({ reply: { status: 302 } });

    expect(await send()).toMatchObject({ outcome: 'rejected', code: 'HTTP_302', retry: 'permanent' });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a message it cannot send without calling the Graph API', async () => {
    const result = await send({ type: 'image', image: { caption: 'no source' } });

    expect(result).toEqual({
      outcome: 'rejected',
      code: 'INVALID_MESSAGE',
      message: 'INVALID_MESSAGE: image needs exactly one of link, id or s3_key',
      retry: 'permanent',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses media still given by s3_key (the sender uploads it first)', async () => {
    const result = await send({ type: 'document', document: { s3_key: 'outbound/acme/a.pdf' } });

    expect(result).toMatchObject({ outcome: 'rejected', code: 'MEDIA_NOT_UPLOADED', retry: 'permanent' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a Whapi channel', async () => {
    const result = await clients.providers.meta.send(whapiChannel(server.baseUrl), '1555', TEXT);

    expect(result).toMatchObject({ code: 'CHANNEL_PROVIDER_MISMATCH', retry: 'permanent' });
    expect(server.requests).toHaveLength(0);
  });

  it('uploads a file as multipart with messaging_product, type and the named file', async () => {
    // Prepare
    next = () => reply(200, fixtureJson('meta-media-upload-response.json'));
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff]);

    // Act
    const result = await clients.providers.meta.uploadMedia(metaChannel(server.baseUrl), { bytes, mimeType: 'application/pdf', filename: 'invoice.pdf' });

    // Assert
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: '500000000000099' });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/v24.0/${PHONE_NUMBER_ID}/media` });
    expect(request?.headers.authorization).toBe(`Bearer ${META_TOKEN}`);
    const form = await parseMultipart(request?.headers['content-type'], request?.body ?? Buffer.alloc(0));
    expect(form.get('messaging_product')).toBe('whatsapp');
    expect(form.get('type')).toBe('application/pdf');
    const file = form.get('file');
    expect(file).toBeInstanceOf(Blob);
    expect((file as File).name).toBe('invoice.pdf');
    expect((file as File).type).toBe('application/pdf');
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(bytes);
  });

  it('classifies a refused upload by its Graph error', async () => {
    next = () => reply(400, fixtureJson('meta-error-131053.json'));

    const result = await clients.providers.meta.uploadMedia(metaChannel(server.baseUrl), { bytes: new Uint8Array([1]), mimeType: 'image/png', filename: 'a.png' });

    expect(result).toMatchObject({ outcome: 'rejected', code: '131053', retry: 'permanent' });
  });

  it('never puts the access token in a result', async () => {
    next = () => reply(401, { error: { code: 190, message: `Malformed access token ${META_TOKEN}`, type: 'OAuthException' } });

    const result = await send();

    expect(result).toMatchObject({ retry: 'token-expired' });
    expect(JSON.stringify(result)).not.toContain(META_TOKEN);
  });

  it('retries when nothing listens at the Graph base URL', async () => {
    const result = await clients.providers.meta.send(metaChannel(await closedPortUrl()), '1555', TEXT);

    expect(result).toMatchObject({ outcome: 'rejected', code: 'ECONNREFUSED', retry: 'retryable' });
  });
});
