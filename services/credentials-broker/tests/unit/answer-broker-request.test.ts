import { Writable } from 'node:stream';
import type { BrokerRequestV1, BrokerResponseV1 } from '@wagw/contracts';
import { CredentialsUnavailableError } from '@wagw/core/errors';
import { createLogger } from '@wagw/runtime/logger';
import type { BrokerDependencies } from '../../src/answer-broker-request';
import { answerBrokerRequest } from '../../src/answer-broker-request';
import { CachedSecretDirectory } from '../../src/cached-secret-directory';
import type { RawSecretRecord } from '../../src/secret-store';
import { acmeTenant, appSecret, globexTenant, InMemorySecretStore, metaApp, SECRET_VALUES, tenantSecret } from '../support/records';

const logLines: string[] = [];
const logger = createLogger({
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  }),
});

const brokerWith = (records: RawSecretRecord[]): BrokerDependencies => ({
  directory: new CachedSecretDirectory(new InMemorySecretStore(records), { ttlMs: 60_000 }),
  logger,
});

const defaultRecords = (): RawSecretRecord[] => [
  appSecret(metaApp()),
  appSecret(metaApp({ appId: 'app-2', appSecret: 'app-secret-value-2', verifyToken: 'verify-2' })),
  tenantSecret(acmeTenant()),
  tenantSecret(globexTenant()),
];

const expectError = (response: BrokerResponseV1, code: string, retryable = false) => {
  if (response.ok) throw new Error(`expected ${code}, got a result`);
  expect(response.error.code).toBe(code);
  expect(response.error.retryable).toBe(retryable);
  return response.error;
};

const expectResult = (response: BrokerResponseV1): unknown => {
  if (!response.ok) throw new Error(`expected a result, got ${response.error.code}: ${response.error.message}`);
  return response.result;
};

const expectNoSecretIn = (text: string) => {
  for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
};

beforeEach(() => {
  logLines.length = 0;
});

describe('answerBrokerRequest', () => {
  describe('answers', () => {
    it('resolves a Meta channel to its tenant, the app that signs its webhooks and its WABA', async () => {
      // Prepare
      const deps = brokerWith(defaultRecords());

      // Act
      const response = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '1110001' });

      // Assert
      expect(expectResult(response)).toEqual({ tenantId: 'acme', provider: 'meta', channelId: '1110001', metaAppId: 'app-1', wabaId: 'waba-acme' });
    });

    it('resolves a Whapi channel to its tenant without any Meta fields', async () => {
      const deps = brokerWith(defaultRecords());

      const response = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'whapi', channelId: 'ACME-WHAPI' });

      expect(expectResult(response)).toEqual({ tenantId: 'acme', provider: 'whapi', channelId: 'ACME-WHAPI' });
    });

    it('lists every Meta app with its secret and verify token', async () => {
      const deps = brokerWith(defaultRecords());

      const response = await answerBrokerRequest(deps, { op: 'listMetaApps' });

      expect(expectResult(response)).toEqual([metaApp(), metaApp({ appId: 'app-2', appSecret: 'app-secret-value-2', verifyToken: 'verify-2' })]);
    });

    it("returns a tenant's database settings", async () => {
      const deps = brokerWith(defaultRecords());

      const response = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'globex' });

      expect(expectResult(response)).toEqual({ engine: 'pglite', dataDir: 'memory://' });
    });

    it("returns a channel's provider credentials with the contract's defaults filled in", async () => {
      const tenant = acmeTenant();
      const { graphBaseUrl: _base, graphVersion: _version, ...bareMeta } = tenant.channels[0] as Record<string, unknown>;
      const deps = brokerWith([tenantSecret({ ...tenant, channels: [bareMeta, tenant.channels[1]] })]);

      const response = await answerBrokerRequest(deps, { op: 'getChannelCredentials', provider: 'meta', channelId: '1110001' });

      expect(expectResult(response)).toEqual({
        provider: 'meta',
        channelId: '1110001',
        wabaId: 'waba-acme',
        metaAppId: 'app-1',
        accessToken: 'acme-meta-access-token',
        graphBaseUrl: 'https://graph.facebook.com',
        graphVersion: 'v24.0',
      });
    });

    it('lists every tenant with its default channel and channel ids, and no credential or database setting', async () => {
      // Prepare
      const deps = brokerWith([...defaultRecords(), tenantSecret(globexTenant({ tenantId: 'initech', channels: [{ ...globexTenant().channels[0]!, channelId: '3330003' }] }))]);

      // Act
      const response = await answerBrokerRequest(deps, { op: 'listTenants' });

      // Assert
      expect(expectResult(response)).toEqual([
        {
          tenantId: 'acme',
          defaultChannelId: '1110001',
          channels: [
            { provider: 'meta', channelId: '1110001' },
            { provider: 'whapi', channelId: 'ACME-WHAPI' },
          ],
        },
        { tenantId: 'globex', defaultChannelId: '2220002', channels: [{ provider: 'meta', channelId: '2220002' }] },
        { tenantId: 'initech', defaultChannelId: '3330003', channels: [{ provider: 'meta', channelId: '3330003' }] },
      ]);
      expectNoSecretIn(JSON.stringify(response));
      expect(JSON.stringify(response)).not.toContain('memory://');
    });

    it("names the record's defaultChannelId as the tenant's default channel when it sets one", async () => {
      const deps = brokerWith([tenantSecret(acmeTenant({ defaultChannelId: 'ACME-WHAPI' }))]);

      const response = await answerBrokerRequest(deps, { op: 'listTenants' });

      expect(expectResult(response)).toEqual([expect.objectContaining({ tenantId: 'acme', defaultChannelId: 'ACME-WHAPI' })]);
    });

    it('answers an empty list when there are no tenants', async () => {
      const deps = brokerWith([appSecret(metaApp())]);

      expect(expectResult(await answerBrokerRequest(deps, { op: 'listTenants' }))).toEqual([]);
    });
  });

  describe('unknown ids', () => {
    it('answers CHANNEL_NOT_FOUND for a channel no tenant owns', async () => {
      const deps = brokerWith(defaultRecords());

      const error = expectError(await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '9999' }), 'CHANNEL_NOT_FOUND');

      expect(error.message).toContain('9999');
    });

    it('does not find a channel under the other provider', async () => {
      const deps = brokerWith(defaultRecords());

      const response = await answerBrokerRequest(deps, { op: 'getChannelCredentials', provider: 'whapi', channelId: '1110001' });

      expectError(response, 'CHANNEL_NOT_FOUND');
    });

    it('answers TENANT_NOT_FOUND for an unknown tenant', async () => {
      const deps = brokerWith(defaultRecords());

      const response = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'initech' });

      expect(expectError(response, 'TENANT_NOT_FOUND').message).toBe('no tenant initech');
    });
  });

  describe('bad records', () => {
    it('answers SECRET_RECORD_INVALID naming the record and the field, without the secret, for a malformed tenant', async () => {
      // Prepare: the database url is a number and the access token sits in a field that must be a number-free string
      const broken = { ...acmeTenant(), database: { engine: 'postgres', url: 42 } };
      const deps = brokerWith([tenantSecret(broken), tenantSecret(globexTenant())]);

      // Act
      const database = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' });
      const channel = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '1110001' });

      // Assert
      for (const response of [database, channel]) {
        const error = expectError(response, 'SECRET_RECORD_INVALID');
        expect(error.message).toContain('wagw/tenants/acme');
        expect(error.message).toContain('database.url');
        expectNoSecretIn(error.message);
      }
    });

    it("keeps serving other tenants when one tenant's record is broken", async () => {
      const deps = brokerWith([tenantSecret({ tenantId: 'acme', channels: 'oops' }), tenantSecret(globexTenant())]);

      const response = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '2220002' });

      expect(expectResult(response)).toMatchObject({ tenantId: 'globex' });
    });

    it('never echoes a secret that sits in a field with the wrong type', async () => {
      const broken = { ...acmeTenant(), channels: [{ ...acmeTenant().channels[0], graphVersion: 'acme-meta-access-token' }] };
      const deps = brokerWith([tenantSecret(broken)]);

      const error = expectError(await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' }), 'SECRET_RECORD_INVALID');

      expect(error.message).toContain('channels.0.graphVersion');
      expectNoSecretIn(error.message);
    });

    it('rejects a channel listed by two tenants: a channel belongs to exactly one tenant', async () => {
      // Prepare: globex also claims acme's Meta number
      const globex = globexTenant();
      const stolen = { ...acmeTenant().channels[0]!, accessToken: 'globex-meta-access-token' };
      const deps = brokerWith([tenantSecret(acmeTenant()), tenantSecret({ ...globex, channels: [...globex.channels, stolen] })]);

      // Act
      const resolve = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '1110001' });
      const credentials = await answerBrokerRequest(deps, { op: 'getChannelCredentials', provider: 'meta', channelId: '1110001' });
      const unaffected = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '2220002' });

      // Assert
      for (const response of [resolve, credentials]) {
        const error = expectError(response, 'SECRET_RECORD_INVALID');
        expect(error.message).toContain('wagw/tenants/acme');
        expect(error.message).toContain('wagw/tenants/globex');
        expect(error.message).toContain('exactly one tenant');
        expectNoSecretIn(error.message);
      }
      expect(expectResult(unaffected)).toMatchObject({ tenantId: 'globex' });
    });

    it('rejects a tenant defined by two records', async () => {
      const deps = brokerWith([
        { ...tenantSecret(acmeTenant()), name: 'gateway.json#/tenants/0', expectedId: undefined },
        { ...tenantSecret(acmeTenant()), name: 'gateway.json#/tenants/1', expectedId: undefined },
      ]);

      const database = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' });
      const channel = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'whapi', channelId: 'ACME-WHAPI' });

      expect(expectError(database, 'SECRET_RECORD_INVALID').message).toContain('defined more than once');
      expectError(channel, 'SECRET_RECORD_INVALID');
    });

    it('rejects a tenant record whose tenantId does not match its secret name', async () => {
      const deps = brokerWith([tenantSecret(acmeTenant(), 'globex')]);

      const response = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'globex' });

      expect(expectError(response, 'SECRET_RECORD_INVALID').message).toContain('does not match the record name');
      expectError(await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' }), 'TENANT_NOT_FOUND');
    });

    it('rejects a tenant whose default channel is not one of its channels', async () => {
      const deps = brokerWith([tenantSecret(acmeTenant({ defaultChannelId: 'nope' }))]);

      const response = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' });

      expect(expectError(response, 'SECRET_RECORD_INVALID').message).toContain('defaultChannelId nope');
    });

    it('reports a record the store could not read with the reason the store gave', async () => {
      const deps = brokerWith([{ kind: 'tenant', name: 'wagw/tenants/acme', expectedId: 'acme', problem: 'SecretString is not valid JSON' }]);

      const response = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' });

      expect(expectError(response, 'SECRET_RECORD_INVALID').message).toBe('secret record wagw/tenants/acme is invalid: SecretString is not valid JSON');
    });

    it('leaves a malformed Meta app out of the list and keeps the others', async () => {
      const deps = brokerWith([appSecret({ appId: 'app-1', appSecret: '' }), appSecret(metaApp({ appId: 'app-2', appSecret: 'app-secret-value-2' }))]);

      const response = await answerBrokerRequest(deps, { op: 'listMetaApps' });

      expect(expectResult(response)).toEqual([metaApp({ appId: 'app-2', appSecret: 'app-secret-value-2' })]);
    });

    it('leaves a tenant with a broken record out of the tenant list and lists the others', async () => {
      const deps = brokerWith([tenantSecret({ ...acmeTenant(), database: { engine: 'postgres', url: 42 } }), tenantSecret(globexTenant())]);

      const response = await answerBrokerRequest(deps, { op: 'listTenants' });

      expect(expectResult(response)).toEqual([{ tenantId: 'globex', defaultChannelId: '2220002', channels: [{ provider: 'meta', channelId: '2220002' }] }]);
    });

    it('logs each unservable record once per load, without its secrets', async () => {
      const records = [tenantSecret({ ...acmeTenant(), database: { engine: 'postgres', url: 42 } })];
      const deps: BrokerDependencies = {
        directory: new CachedSecretDirectory(new InMemorySecretStore(records), {
          ttlMs: 60_000,
          onLoad: (directory) => directory.problems.forEach((problem) => logger.warn(problem, 'secret record cannot be served')),
        }),
        logger,
      };

      await answerBrokerRequest(deps, { op: 'listMetaApps' });
      await answerBrokerRequest(deps, { op: 'listMetaApps' });

      const warnings = logLines.filter((line) => line.includes('secret record cannot be served'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('wagw/tenants/acme');
      expectNoSecretIn(logLines.join('\n'));
    });
  });

  describe('failures', () => {
    it.each<[string, unknown]>([
      ['an unknown op', { op: 'dumpEverything' }],
      ['a missing channel id', { op: 'resolveChannel', provider: 'meta' }],
      ['an unknown provider', { op: 'resolveChannel', provider: 'telegram', channelId: '1' }],
      ['no object at all', 'resolveChannel'],
    ])('answers BROKER_REQUEST_INVALID for %s', async (_label, event) => {
      const deps = brokerWith(defaultRecords());

      const response = await answerBrokerRequest(deps, event);

      expect(expectError(response, 'BROKER_REQUEST_INVALID').message).toMatch(/^not a broker request: /);
    });

    it('answers CREDENTIALS_UNAVAILABLE, retryable, when the store is unavailable', async () => {
      const store = new InMemorySecretStore(defaultRecords());
      store.failure = new CredentialsUnavailableError('Secrets Manager ListSecrets failed (ThrottlingException)');
      const deps: BrokerDependencies = { directory: new CachedSecretDirectory(store, { ttlMs: 60_000 }), logger };

      const response = await answerBrokerRequest(deps, { op: 'listMetaApps' });

      expect(expectError(response, 'CREDENTIALS_UNAVAILABLE', true).message).toBe('Secrets Manager ListSecrets failed (ThrottlingException)');
    });

    it('never returns the text of an unexpected exception from the store', async () => {
      const store = new InMemorySecretStore(defaultRecords());
      store.failure = new Error('connect failed for postgres://acme:acme-db-password@db');
      const deps: BrokerDependencies = { directory: new CachedSecretDirectory(store, { ttlMs: 60_000 }), logger };

      const response = await answerBrokerRequest(deps, { op: 'getTenantDatabase', tenantId: 'acme' });

      const error = expectError(response, 'CREDENTIALS_UNAVAILABLE', true);
      expect(error.message).toBe('the secret store could not be read');
      expectNoSecretIn(JSON.stringify(response) + logLines.join('\n'));
    });

    it('answers BROKER_INTERNAL_ERROR, retryable, for a bug, without its text', async () => {
      const deps: BrokerDependencies = {
        directory: { current: () => Promise.reject(new TypeError('acme-meta-access-token is not a function')) },
        logger,
      };

      const response = await answerBrokerRequest(deps, { op: 'listMetaApps' });

      expect(expectError(response, 'BROKER_INTERNAL_ERROR', true).message).toBe('the credentials broker failed unexpectedly');
      expectNoSecretIn(JSON.stringify(response) + logLines.join('\n'));
      expect(logLines.join('\n')).toContain('TypeError');
    });
  });

  it('never writes a secret to the log, whatever it answers', async () => {
    // Prepare
    const deps = brokerWith(defaultRecords());
    const requests: BrokerRequestV1[] = [
      { op: 'resolveChannel', provider: 'meta', channelId: '1110001' },
      { op: 'listMetaApps' },
      { op: 'getTenantDatabase', tenantId: 'acme' },
      { op: 'getChannelCredentials', provider: 'whapi', channelId: 'ACME-WHAPI' },
      { op: 'getChannelCredentials', provider: 'meta', channelId: '1110001' },
      { op: 'getChannelCredentials', provider: 'meta', channelId: 'missing' },
      { op: 'listTenants' },
    ];

    // Act
    const responses = await Promise.all(requests.map((request) => answerBrokerRequest(deps, request)));

    // Assert
    expect(responses.filter((response) => response.ok)).toHaveLength(6);
    expect(logLines.length).toBeGreaterThanOrEqual(requests.length);
    expectNoSecretIn(logLines.join('\n'));
  });
});
