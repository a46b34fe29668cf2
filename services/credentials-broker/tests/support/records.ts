import type { MetaAppRecordV1, TenantRecordV1 } from '@wagw/contracts';
import type { RawSecretRecord, SecretRecordSet, SecretStore } from '../../src/secret-store';

export const metaApp = (overrides: Partial<MetaAppRecordV1> = {}): MetaAppRecordV1 => ({
  appId: 'app-1',
  appSecret: 'app-secret-value-1',
  verifyToken: 'verify-token-value-1',
  ...overrides,
});

export const acmeTenant = (overrides: Partial<TenantRecordV1> = {}): TenantRecordV1 => ({
  tenantId: 'acme',
  database: { engine: 'postgres', url: 'postgres://acme:acme-db-password@127.0.0.1:5432/acme' },
  channels: [
    {
      provider: 'meta',
      channelId: '1110001',
      wabaId: 'waba-acme',
      metaAppId: 'app-1',
      accessToken: 'acme-meta-access-token',
      graphBaseUrl: 'https://graph.facebook.com',
      graphVersion: 'v24.0',
    },
    { provider: 'whapi', channelId: 'ACME-WHAPI', apiToken: 'acme-whapi-token', webhookSecret: 'acme-webhook-secret', baseUrl: 'https://gate.whapi.cloud' },
  ],
  ...overrides,
});

export const globexTenant = (overrides: Partial<TenantRecordV1> = {}): TenantRecordV1 => ({
  tenantId: 'globex',
  database: { engine: 'pglite', dataDir: 'memory://' },
  channels: [
    {
      provider: 'meta',
      channelId: '2220002',
      wabaId: 'waba-globex',
      metaAppId: 'app-2',
      accessToken: 'globex-meta-access-token',
      graphBaseUrl: 'https://graph.facebook.com',
      graphVersion: 'v24.0',
    },
  ],
  ...overrides,
});

/** Every secret value the builders above contain; no log line or error may carry any of them. */
export const SECRET_VALUES = [
  'app-secret-value-1',
  'verify-token-value-1',
  'app-secret-value-2',
  'acme-db-password',
  'acme-meta-access-token',
  'acme-whapi-token',
  'acme-webhook-secret',
  'globex-meta-access-token',
];

export const tenantSecret = (value: unknown, expectedId = (value as { tenantId?: string }).tenantId): RawSecretRecord => ({
  kind: 'tenant',
  name: `wagw/tenants/${expectedId ?? 'unknown'}`,
  ...(expectedId === undefined ? {} : { expectedId }),
  value,
});

export const appSecret = (value: unknown, expectedId = (value as { appId?: string }).appId): RawSecretRecord => ({
  kind: 'meta-app',
  name: `wagw/meta-apps/${expectedId ?? 'unknown'}`,
  ...(expectedId === undefined ? {} : { expectedId }),
  value,
});

/** An in-memory SecretStore: set `records`, or `failure` to make the next loads throw. */
export class InMemorySecretStore implements SecretStore {
  loads = 0;
  failure: unknown;

  constructor(public records: RawSecretRecord[] = []) {}

  async load(): Promise<SecretRecordSet> {
    this.loads += 1;
    await Promise.resolve();
    if (this.failure !== undefined) throw this.failure;
    return { records: this.records };
  }
}

export class InMemoryRevisionedSecretStore extends InMemorySecretStore {
  revisionValue = 'r1';

  async revision(): Promise<string> {
    return this.revisionValue;
  }
}

export class FakeClock {
  constructor(private millis = Date.parse('2025-01-01T00:00:00Z')) {}

  now(): Date {
    return new Date(this.millis);
  }

  advance(ms: number): void {
    this.millis += ms;
  }
}
