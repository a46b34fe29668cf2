import type { ChannelRecordV1 } from '@wagw/contracts';
import type { Provider } from '@wagw/contracts';
import { metaChannel, whapiChannel } from '../../support/channels';
import { fixtureJson } from '../../support/fixtures';
import { lookupThatNeverAnswers, testProviders } from '../../support/providers';
import type { TestProviders } from '../../support/providers';
import { closedPortUrl, reply, startStubServer } from '../../support/stub-server';
import type { StubAction, StubServer } from '../../support/stub-server';

const TEXT = { type: 'text', text: { body: 'Hello' } };

const channelFor = (provider: Provider, baseUrl: string): ChannelRecordV1 =>
  provider === 'meta' ? metaChannel(baseUrl) : whapiChannel(baseUrl);

const acceptedAnswer = (provider: Provider): StubAction =>
  provider === 'meta' ? reply(200, fixtureJson('meta-send-response.json')) : reply(200, fixtureJson('whapi-send-response.json'));

const uploadAnswer = (provider: Provider): StubAction =>
  provider === 'meta' ? reply(200, fixtureJson('meta-media-upload-response.json')) : reply(200, fixtureJson('whapi-media-upload-response.json'));

/** Large enough that the server can drop the connection before the client has written it all. */
const LARGE_FILE_BYTES = 32 * 1024 * 1024;

describe.each<Provider>(['meta', 'whapi'])('%s: calls that end without an answer', (provider) => {
  let server: StubServer;
  let clients: TestProviders;
  let next: (index: number) => StubAction;

  beforeEach(async () => {
    next = () => acceptedAnswer(provider);
    server = await startStubServer((_request, index) => next(index));
    clients = testProviders();
  });

  afterEach(async () => {
    clients.close();
    await server.close();
  });

  const send = () => clients.providers[provider].send(channelFor(provider, server.baseUrl), '15550001111', TEXT);
  const upload = (size = 16) =>
    clients.providers[provider].uploadMedia(channelFor(provider, server.baseUrl), { bytes: new Uint8Array(size), mimeType: 'image/jpeg', filename: 'a.jpg' });

  it('calls a send whose answer never came, after the whole request was sent, an unknown outcome', async () => {
    // Prepare
    next = () => 'hang';

    // Act
    const result = await send();

    // Assert
    expect(result).toEqual({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN', message: expect.stringContaining('may or may not have accepted') });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body.length).toBeGreaterThan(0);
  });

  it('calls a send whose connection dropped after the request was read an unknown outcome', async () => {
    next = () => 'reset';

    expect(await send()).toMatchObject({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' });
  });

  it('calls a send whose answer broke off halfway an unknown outcome', async () => {
    next = () => 'partial';

    expect(await send()).toMatchObject({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' });
  });

  it('retries a send on a keep-alive connection the server had already dropped', async () => {
    // Prepare: the first send opens the connection; the server drops it when the second arrives on it.
    next = (index) => (index === 0 ? acceptedAnswer(provider) : 'reset-before-body');
    await send();

    // Act
    const result = await send();

    // Assert
    expect(result).toMatchObject({ outcome: 'rejected', code: 'ECONNRESET', retry: 'retryable', message: expect.stringContaining('keep-alive') });
  });

  it('retries a send when the connection is refused', async () => {
    const result = await clients.providers[provider].send(channelFor(provider, await closedPortUrl()), '15550001111', TEXT);

    expect(result).toMatchObject({ outcome: 'rejected', code: 'ECONNREFUSED', retry: 'retryable' });
  });

  it('retries a send whose connection never opened before the deadline', async () => {
    // Prepare
    const stuck = testProviders({ lookup: lookupThatNeverAnswers });

    // Act
    const result = await stuck.providers[provider].send(channelFor(provider, 'http://provider.test'), '15550001111', TEXT);
    stuck.close();

    // Assert
    expect(result).toMatchObject({ outcome: 'rejected', code: 'CONNECT_TIMEOUT', retry: 'retryable' });
  });

  it('retries an upload whose answer never came: a second upload sends nothing to anyone', async () => {
    next = () => 'hang';

    expect(await upload()).toMatchObject({ outcome: 'rejected', code: 'UPLOAD_TIMEOUT', retry: 'retryable' });
  });

  it('retries an upload the server dropped before reading the file', async () => {
    next = () => 'reset-before-body';

    const result = await upload(LARGE_FILE_BYTES);

    expect(result).toMatchObject({ outcome: 'rejected', retry: 'retryable', message: expect.stringContaining('failed before the request was sent') });
  });

  it('uploads after a failed attempt on the same client', async () => {
    next = (index) => (index === 0 ? 'reset-before-body' : uploadAnswer(provider));
    await upload(LARGE_FILE_BYTES);

    expect(await upload()).toMatchObject({ outcome: 'accepted' });
  });
});
