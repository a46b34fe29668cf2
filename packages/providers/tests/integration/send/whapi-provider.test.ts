import { WHAPI_TOKEN, metaChannel, whapiChannel } from '../../support/channels';
import { fixtureJson } from '../../support/fixtures';
import { testProviders } from '../../support/providers';
import type { TestProviders } from '../../support/providers';
import { reply, replyText, startStubServer } from '../../support/stub-server';
import type { StubAction, StubServer } from '../../support/stub-server';

describe('WhapiProvider against a real HTTP server', () => {
  let server: StubServer;
  let clients: TestProviders;
  let next: (index: number) => StubAction;

  beforeEach(async () => {
    next = () => reply(200, fixtureJson('whapi-send-response.json'));
    server = await startStubServer((_request, index) => next(index));
    clients = testProviders();
  });

  afterEach(async () => {
    clients.close();
    await server.close();
  });

  const send = (message: Record<string, unknown>, toId = '+15550001111') => clients.providers.whapi.send(whapiChannel(server.baseUrl), toId, message);
  const sentJson = (index = 0): unknown => JSON.parse(server.requests[index]?.body.toString('utf8') ?? '');

  it('posts a text to /messages/text with the channel token', async () => {
    // Act
    const result = await send({ type: 'text', text: { body: 'Hello', preview_url: true }, context: { message_id: 'Q1' } });

    // Assert
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: 'TestWhapiOutId0003-xyz' });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/messages/text' });
    expect(request?.headers.authorization).toBe(`Bearer ${WHAPI_TOKEN}`);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(sentJson()).toEqual({ to: '15550001111', body: 'Hello', no_link_preview: false, quoted: 'Q1' });
  });

  it('keeps a path prefix of the channel base URL', async () => {
    await clients.providers.whapi.send(whapiChannel(`${server.baseUrl}/gate/`), '1555', { type: 'text', text: { body: 'x' } });

    expect(server.requests[0]?.path).toBe('/gate/messages/text');
  });

  it('puts a reaction on the reacted-to message', async () => {
    next = () => reply(200, { success: true });

    const result = await send({ type: 'reaction', reaction: { message_id: 'TestWhapiMsgId0001-abc', emoji: '👍' } });

    expect(result).toMatchObject({ outcome: 'accepted', providerMessageId: expect.stringMatching(/^reaction:TestWhapiMsgId0001-abc:/) });
    expect(server.requests[0]).toMatchObject({ method: 'PUT', path: '/messages/TestWhapiMsgId0001-abc/reaction' });
    expect(sentJson()).toEqual({ emoji: '👍' });
  });

  it('removes a reaction with DELETE when the emoji is empty', async () => {
    next = () => reply(200, { success: true });

    const result = await send({ type: 'reaction', reaction: { message_id: 'TestWhapiMsgId0001-abc', emoji: '' } });

    expect(result).toMatchObject({ outcome: 'accepted' });
    expect(server.requests[0]).toMatchObject({ method: 'DELETE', path: '/messages/TestWhapiMsgId0001-abc/reaction' });
    expect(server.requests[0]?.body.length).toBe(0);
  });

  it('refuses a template without calling Whapi', async () => {
    const result = await send({ type: 'template', template: { name: 'hello', language: { code: 'en_US' } } });

    expect(result).toMatchObject({ outcome: 'rejected', code: 'UNSUPPORTED_BY_PROVIDER', retry: 'permanent' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a Meta channel', async () => {
    const result = await clients.providers.whapi.send(metaChannel(server.baseUrl), '1555', { type: 'text', text: { body: 'x' } });

    expect(result).toMatchObject({ code: 'CHANNEL_PROVIDER_MISMATCH', retry: 'permanent' });
  });

  it.each<[number, string, string]>([
    [400, '400', 'permanent'],
    [401, '401', 'token-expired'],
    [429, '429', 'retryable'],
    [500, '500', 'retryable'],
    [503, '503', 'retryable'],
  ])('classifies an error envelope on HTTP %i', async (status, code, retry) => {
    next = () => reply(status, { error: { code: status, message: 'Error', details: 'detail' } });

    const result = await send({ type: 'text', text: { body: 'x' } });

    expect(result).toEqual({ outcome: 'rejected', code, message: `${code}: Error (detail)`, retry });
  });

  it('fails the recorded Bad Request for good', async () => {
    next = () => reply(400, fixtureJson('whapi-error-response.json'));

    const result = await send({ type: 'text', text: { body: 'x' } });

    expect(result).toEqual({ outcome: 'rejected', code: '400', message: "400: Bad Request (Invalid 'to' parameter)", retry: 'permanent' });
  });

  it('retries a plain 502 from a proxy', async () => {
    next = () => replyText(502, 'Bad Gateway');

    expect(await send({ type: 'text', text: { body: 'x' } })).toMatchObject({ code: 'HTTP_502', retry: 'retryable' });
  });

  it('uploads the raw bytes with their content type to /media', async () => {
    // Prepare
    next = () => reply(200, fixtureJson('whapi-media-upload-response.json'));
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);

    // Act
    const result = await clients.providers.whapi.uploadMedia(whapiChannel(server.baseUrl), { bytes, mimeType: 'application/pdf', filename: 'invoice.pdf' });

    // Assert
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: 'pdf-TESTMEDIAID0002' });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/media' });
    expect(request?.headers['content-type']).toBe('application/pdf');
    expect(request?.headers.authorization).toBe(`Bearer ${WHAPI_TOKEN}`);
    expect(new Uint8Array(request?.body ?? [])).toEqual(bytes);
  });

  it('uploads only the bytes of a view into a larger buffer', async () => {
    next = () => reply(200, fixtureJson('whapi-media-upload-response.json'));
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);

    await clients.providers.whapi.uploadMedia(whapiChannel(server.baseUrl), { bytes: whole.subarray(2, 5), mimeType: 'image/png', filename: 'a.png' });

    expect(new Uint8Array(server.requests[0]?.body ?? [])).toEqual(new Uint8Array([1, 2, 3]));
  });
});
