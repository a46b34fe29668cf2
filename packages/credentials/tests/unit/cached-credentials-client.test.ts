import type { BrokerRequestV1, BrokerResponseV1, WhapiChannelV1 } from '@wagw/contracts';
import {
  ChannelNotFoundError,
  CredentialsUnavailableError,
  GatewayError,
  SecretRecordInvalidError,
  TenantNotFoundError,
} from '@wagw/core/errors';
import type { BrokerTransport } from '../../src/broker-transport';
import { CachedCredentialsClient } from '../../src/cached-credentials-client';

const owner = { tenantId: 'acme', provider: 'meta', channelId: '1110001', metaAppId: 'app-1', wabaId: 'waba-acme' } as const;
const whapiChannel = {
  provider: 'whapi',
  channelId: 'ACME-WHAPI',
  apiToken: 'acme-whapi-token',
  webhookSecret: 'acme-webhook-secret',
  baseUrl: 'https://gate.whapi.cloud',
} as const;
const app = { appId: 'app-1', appSecret: 'app-secret', verifyToken: 'verify' };
const database = { engine: 'postgres', url: 'postgres://acme@127.0.0.1/acme' } as const;
const tenants = [
  { tenantId: 'acme', defaultChannelId: '1110001', channels: [{ provider: 'meta', channelId: '1110001' }, { provider: 'whapi', channelId: 'ACME-WHAPI' }] },
  { tenantId: 'globex', defaultChannelId: '2220002', channels: [{ provider: 'meta', channelId: '2220002' }] },
];

/** A transport answering from a function; records every request; can hold answers until released. */
class FakeTransport implements BrokerTransport {
  readonly requests: BrokerRequestV1[] = [];
  private held: (() => void)[] = [];
  hold = false;

  constructor(public answer: (request: BrokerRequestV1) => BrokerResponseV1 | Error) {}

  async invoke(request: BrokerRequestV1): Promise<BrokerResponseV1> {
    this.requests.push(request);
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    const answer = this.answer(request);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

const answering = (request: BrokerRequestV1): BrokerResponseV1 => {
  switch (request.op) {
    case 'resolveChannel':
      return request.channelId === owner.channelId
        ? { ok: true, result: owner }
        : { ok: false, error: { code: 'CHANNEL_NOT_FOUND', message: `no tenant owns ${request.provider} channel ${request.channelId}`, retryable: false } };
    case 'listMetaApps':
      return { ok: true, result: [app] };
    case 'getTenantDatabase':
      return { ok: true, result: database };
    case 'getChannelCredentials':
      return { ok: true, result: whapiChannel };
    case 'listTenants':
      return { ok: true, result: tenants };
  }
};

class FakeClock {
  private millis = Date.parse('2025-01-01T00:00:00Z');

  now(): Date {
    return new Date(this.millis);
  }

  advance(ms: number): void {
    this.millis += ms;
  }
}

const setup = (answer: (request: BrokerRequestV1) => BrokerResponseV1 | Error = answering) => {
  const transport = new FakeTransport(answer);
  const clock = new FakeClock();
  const client = new CachedCredentialsClient(transport, { clock });
  return { transport, clock, client };
};

const failing = (code: string, message: string, retryable: boolean) => (): BrokerResponseV1 => ({ ok: false, error: { code, message, retryable } });

describe('CachedCredentialsClient', () => {
  describe('answers', () => {
    it('resolves a channel to its owner', async () => {
      const { client, transport } = setup();

      const result = await client.resolveChannel('meta', '1110001');

      expect(result).toEqual(owner);
      expect(transport.requests).toEqual([{ op: 'resolveChannel', provider: 'meta', channelId: '1110001' }]);
    });

    it('lists Meta apps, gets tenant database settings and channel credentials', async () => {
      const { client } = setup();

      expect(await client.listMetaApps()).toEqual([app]);
      expect(await client.getTenantDatabase('acme')).toEqual(database);
      expect(await client.getChannelCredentials('whapi', 'ACME-WHAPI')).toEqual(whapiChannel);
    });

    it('lists every tenant with its default channel and channel ids', async () => {
      const { client, transport } = setup();

      const result = await client.listTenants();

      expect(result).toEqual(tenants);
      expect(transport.requests).toEqual([{ op: 'listTenants' }]);
    });
  });

  describe('caching', () => {
    it('reuses an answer for the TTL (120 s by default)', async () => {
      const { client, transport, clock } = setup();

      await client.getTenantDatabase('acme');
      clock.advance(119_999);
      await client.getTenantDatabase('acme');

      expect(transport.requests).toHaveLength(1);
    });

    it('asks again once the TTL has passed', async () => {
      const { client, transport, clock } = setup();

      await client.getTenantDatabase('acme');
      clock.advance(120_000);
      await client.getTenantDatabase('acme');

      expect(transport.requests).toHaveLength(2);
    });

    it('reuses the tenant list for the TTL and asks again after it', async () => {
      const { client, transport, clock } = setup();

      await client.listTenants();
      clock.advance(119_999);
      await client.listTenants();
      clock.advance(1);
      await client.listTenants();

      expect(transport.requests).toEqual([{ op: 'listTenants' }, { op: 'listTenants' }]);
    });

    it('honours a configured TTL', async () => {
      const transport = new FakeTransport(answering);
      const clock = new FakeClock();
      const client = new CachedCredentialsClient(transport, { clock, ttlMs: 5_000 });

      await client.listMetaApps();
      clock.advance(5_000);
      await client.listMetaApps();

      expect(transport.requests).toHaveLength(2);
    });

    it('caches each question on its own', async () => {
      const { client, transport } = setup();

      await client.getTenantDatabase('acme');
      await client.getTenantDatabase('globex');
      await client.resolveChannel('meta', '1110001');
      await client.getChannelCredentials('whapi', 'ACME-WHAPI');
      await client.getTenantDatabase('acme');

      expect(transport.requests).toHaveLength(4);
    });

    it('shares one broker call between concurrent asks for the same thing', async () => {
      const { client, transport } = setup();
      transport.hold = true;

      const asks = [client.resolveChannel('meta', '1110001'), client.resolveChannel('meta', '1110001'), client.resolveChannel('meta', '1110001')];
      transport.release();
      const results = await Promise.all(asks);

      expect(transport.requests).toHaveLength(1);
      expect(results).toEqual([owner, owner, owner]);
    });

    it('caches CHANNEL_NOT_FOUND only briefly, so an onboarded channel shows up within seconds', async () => {
      // Prepare
      const { client, transport, clock } = setup();
      await expect(client.resolveChannel('meta', '2220002')).rejects.toBeInstanceOf(ChannelNotFoundError);
      transport.answer = () => ({ ok: true, result: { tenantId: 'globex', provider: 'meta', channelId: '2220002' } });

      // Act
      clock.advance(9_999);
      const stillCached = client.resolveChannel('meta', '2220002');
      await expect(stillCached).rejects.toBeInstanceOf(ChannelNotFoundError);
      clock.advance(1);
      const onboarded = await client.resolveChannel('meta', '2220002');

      // Assert
      expect(onboarded.tenantId).toBe('globex');
      expect(transport.requests).toHaveLength(2);
    });

    it('never caches a retryable error answer', async () => {
      const { client, transport } = setup(failing('CREDENTIALS_UNAVAILABLE', 'Secrets Manager ListSecrets failed (ThrottlingException)', true));

      await expect(client.listMetaApps()).rejects.toBeInstanceOf(CredentialsUnavailableError);
      transport.answer = answering;
      const apps = await client.listMetaApps();

      expect(apps).toEqual([app]);
      expect(transport.requests).toHaveLength(2);
    });

    it('never caches a transport failure, and every waiting caller gets it', async () => {
      const { client, transport } = setup(() => new CredentialsUnavailableError('credentials broker broker could not be invoked (TimeoutError)'));
      transport.hold = true;

      const asks = [client.getTenantDatabase('acme'), client.getTenantDatabase('acme')];
      transport.release();
      const outcomes = await Promise.allSettled(asks);
      transport.answer = answering;
      const database = await client.getTenantDatabase('acme');

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(database).toEqual({ engine: 'postgres', url: 'postgres://acme@127.0.0.1/acme' });
      expect(transport.requests).toHaveLength(2);
    });

    it('keeps at most 1 000 answers by default, so callers choosing channel ids cannot grow it without bound', async () => {
      // Prepare
      const { client, transport } = setup();
      await expect(client.resolveChannel('whapi', 'unknown-0')).rejects.toBeInstanceOf(ChannelNotFoundError);
      for (let index = 1; index <= 1_000; index += 1) {
        await expect(client.resolveChannel('whapi', `unknown-${index}`)).rejects.toBeInstanceOf(ChannelNotFoundError);
      }

      // Act
      await expect(client.resolveChannel('whapi', 'unknown-1000')).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(client.resolveChannel('whapi', 'unknown-0')).rejects.toBeInstanceOf(ChannelNotFoundError);

      // Assert: the newest answer was still cached, the oldest had been dropped
      expect(transport.requests).toHaveLength(1_002);
      expect(transport.requests.at(-1)).toEqual({ op: 'resolveChannel', provider: 'whapi', channelId: 'unknown-0' });
    });

    it('drops expired answers before live ones when full', async () => {
      // Prepare
      const transport = new FakeTransport(answering);
      const clock = new FakeClock();
      const client = new CachedCredentialsClient(transport, { clock, maxEntries: 2 });
      await client.getTenantDatabase('acme');
      await expect(client.resolveChannel('meta', '9990009')).rejects.toBeInstanceOf(ChannelNotFoundError);
      clock.advance(10_000);

      // Act
      await client.getTenantDatabase('globex');
      await client.getTenantDatabase('acme');
      await client.getTenantDatabase('globex');

      // Assert
      expect(transport.requests).toHaveLength(3);
    });

    it('drops the oldest answer when full and nothing has expired', async () => {
      // Prepare
      const transport = new FakeTransport(answering);
      const client = new CachedCredentialsClient(transport, { clock: new FakeClock(), maxEntries: 2 });
      await client.getTenantDatabase('acme');
      await client.getTenantDatabase('globex');

      // Act
      await client.getTenantDatabase('initech');
      await client.getTenantDatabase('globex');
      await client.getTenantDatabase('acme');

      // Assert
      expect(transport.requests.map((request) => (request.op === 'getTenantDatabase' ? request.tenantId : request.op))).toEqual([
        'acme',
        'globex',
        'initech',
        'acme',
      ]);
    });

    it('forgets every answer on invalidate()', async () => {
      const { client, transport } = setup();
      await client.getChannelCredentials('whapi', 'ACME-WHAPI');
      await client.listMetaApps();

      client.invalidate();
      await client.getChannelCredentials('whapi', 'ACME-WHAPI');
      await client.listMetaApps();

      expect(transport.requests).toHaveLength(4);
    });

    it('forgets only that channel\'s answers on invalidate(provider, channelId); other channels stay cached', async () => {
      // Prepare: two channels' credentials and owners, plus a tenant database, all cached
      const channels: Record<string, WhapiChannelV1> = {
        'ACME-WHAPI': whapiChannel,
        'GLOBEX-WHAPI': { ...whapiChannel, channelId: 'GLOBEX-WHAPI', apiToken: 'globex-whapi-token' },
      };
      const { client, transport } = setup((request) => {
        if (request.op === 'getChannelCredentials') return { ok: true, result: channels[request.channelId] };
        if (request.op === 'resolveChannel') return { ok: true, result: { tenantId: 'acme', provider: request.provider, channelId: request.channelId } };
        return answering(request);
      });
      for (const channelId of ['ACME-WHAPI', 'GLOBEX-WHAPI']) {
        await client.getChannelCredentials('whapi', channelId);
        await client.resolveChannel('whapi', channelId);
      }
      await client.getTenantDatabase('acme');
      transport.requests.length = 0;

      // Act
      client.invalidate('whapi', 'ACME-WHAPI');
      for (const channelId of ['ACME-WHAPI', 'GLOBEX-WHAPI']) {
        await client.getChannelCredentials('whapi', channelId);
        await client.resolveChannel('whapi', channelId);
      }
      await client.getTenantDatabase('acme');

      // Assert
      expect(transport.requests).toEqual([
        { op: 'getChannelCredentials', provider: 'whapi', channelId: 'ACME-WHAPI' },
        { op: 'resolveChannel', provider: 'whapi', channelId: 'ACME-WHAPI' },
      ]);
    });

    it('does not cache an answer for a channel that was in flight when that channel was invalidated', async () => {
      const { client, transport } = setup();
      transport.hold = true;
      const stale = client.getChannelCredentials('whapi', 'ACME-WHAPI');

      client.invalidate('whapi', 'ACME-WHAPI');
      transport.release();
      await stale;
      await client.getChannelCredentials('whapi', 'ACME-WHAPI');

      expect(transport.requests).toHaveLength(2);
    });

    it('does not cache an answer to a call that was in flight when invalidate() ran', async () => {
      const { client, transport } = setup();
      transport.hold = true;
      const stale = client.getTenantDatabase('acme');

      client.invalidate();
      transport.release();
      await stale;
      await client.getTenantDatabase('acme');

      expect(transport.requests).toHaveLength(2);
    });
  });

  describe('errors', () => {
    it('turns CHANNEL_NOT_FOUND into ChannelNotFoundError', async () => {
      const { client } = setup();

      const failure = client.resolveChannel('whapi', 'NOPE');

      await expect(failure).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(failure).rejects.toMatchObject({ code: 'CHANNEL_NOT_FOUND', retryable: false, message: 'no tenant owns whapi channel NOPE' });
    });

    it.each<[string, string, boolean, new (...args: never[]) => GatewayError]>([
      ['TENANT_NOT_FOUND', 'no tenant initech', false, TenantNotFoundError],
      ['SECRET_RECORD_INVALID', 'secret record wagw/tenants/initech is invalid: database.url: Invalid input', false, SecretRecordInvalidError],
      ['CREDENTIALS_UNAVAILABLE', 'Secrets Manager ListSecrets failed (ThrottlingException)', true, CredentialsUnavailableError],
    ])('turns %s into its GatewayError subclass with the broker message and retryable flag', async (code, message, retryable, type) => {
      const { client } = setup(failing(code, message, retryable));

      const failure = client.getTenantDatabase('initech');

      await expect(failure).rejects.toBeInstanceOf(type);
      await expect(failure).rejects.toMatchObject({ code, message, retryable });
    });

    it('keeps an unfamiliar code as a GatewayError with the broker retryable flag', async () => {
      const { client } = setup(failing('BROKER_INTERNAL_ERROR', 'the credentials broker failed unexpectedly', true));

      const failure = client.listMetaApps();

      await expect(failure).rejects.toBeInstanceOf(GatewayError);
      await expect(failure).rejects.toMatchObject({ code: 'BROKER_INTERNAL_ERROR', retryable: true });
    });

    it('keeps the broker retryable flag even where it differs from the class default', async () => {
      const { client } = setup(failing('SECRET_RECORD_INVALID', 'secret record x is invalid: y', true));

      const failure = client.getTenantDatabase('acme');

      await expect(failure).rejects.toBeInstanceOf(SecretRecordInvalidError);
      await expect(failure).rejects.toMatchObject({ retryable: true });
    });

    it('wraps an unexpected transport exception in CredentialsUnavailableError', async () => {
      const { client } = setup(() => new Error('socket hang up'));

      const failure = client.listMetaApps();

      await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
      await expect(failure).rejects.toMatchObject({ retryable: true, message: 'the credentials broker could not be asked' });
    });

    it('rejects an answer that does not match the contract, and does not cache it', async () => {
      const { client, transport } = setup(() => ({ ok: true, result: { engine: 'oracle', url: 'x' } }));

      await expect(client.getTenantDatabase('acme')).rejects.toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE', retryable: true });
      transport.answer = answering;

      expect(await client.getTenantDatabase('acme')).toEqual(database);
    });

    it('rejects a tenant list that does not match the contract, and does not cache it', async () => {
      const { client, transport } = setup(() => ({ ok: true, result: [{ tenantId: 'acme', channels: [{ provider: 'telegram', channelId: '1' }] }] }));

      await expect(client.listTenants()).rejects.toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE', retryable: true });
      transport.answer = answering;

      expect(await client.listTenants()).toEqual(tenants);
    });

    it('rejects credentials for another channel than the one asked for', async () => {
      const { client } = setup(() => ({ ok: true, result: whapiChannel }));

      await expect(client.getChannelCredentials('whapi', 'OTHER')).rejects.toBeInstanceOf(CredentialsUnavailableError);
    });
  });
});
