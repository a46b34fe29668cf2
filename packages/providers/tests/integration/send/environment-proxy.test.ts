import type { Provider } from '@wagw/contracts';
import { ProviderHttp } from '../../../src/send/provider-http';
import { metaChannel, whapiChannel } from '../../support/channels';
import { fixtureJson } from '../../support/fixtures';
import { testProviders } from '../../support/providers';
import type { TestProviders } from '../../support/providers';
import { reply, startStubServer } from '../../support/stub-server';
import type { StubServer } from '../../support/stub-server';

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'] as const;

describe.each<Provider>(['meta', 'whapi'])('%s: a proxy named by the environment', (provider) => {
  let target: StubServer;
  let proxy: StubServer;
  let clients: TestProviders;
  const saved: Partial<Record<(typeof PROXY_VARIABLES)[number], string>> = {};

  beforeEach(async () => {
    target = await startStubServer(() =>
      provider === 'meta' ? reply(200, fixtureJson('meta-send-response.json')) : reply(200, fixtureJson('whapi-send-response.json')),
    );
    proxy = await startStubServer(() => reply(502, { error: 'the proxy must not be used' }));
    for (const name of PROXY_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'] as const) process.env[name] = proxy.baseUrl;
    clients = testProviders();
  });

  afterEach(async () => {
    for (const name of PROXY_VARIABLES) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    clients.close();
    await Promise.all([target.close(), proxy.close()]);
  });

  it('is ignored: the send goes straight to the channel base URL, token and all', async () => {
    // Prepare
    const channel = provider === 'meta' ? metaChannel(target.baseUrl) : whapiChannel(target.baseUrl);

    // Act
    const result = await clients.providers[provider].send(channel, '15550001111', { type: 'text', text: { body: 'Hello' } });

    // Assert
    expect(result).toMatchObject({ outcome: 'accepted' });
    expect(target.requests).toHaveLength(1);
    expect(proxy.requests).toEqual([]);
  });
});

describe('ProviderHttp', () => {
  it('builds its axios instance with proxy: false', () => {
    const http = new ProviderHttp({ sendTimeoutMs: 1_000, uploadTimeoutMs: 1_000 });

    expect(http.client.defaults.proxy).toBe(false);
  });
});
