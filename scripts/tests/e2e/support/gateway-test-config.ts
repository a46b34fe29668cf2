import { randomBytes } from 'node:crypto';
import { rename, utimes, writeFile } from 'node:fs/promises';
import { GatewayConfigV1 } from '@wagw/contracts';
import type { DatabaseSettingsV1, MetaAppRecordV1, TenantRecordV1 } from '@wagw/contracts';

const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;

export interface TestMetaNumber {
  tenantId: string;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

export interface TestWhapiChannel {
  tenantId: string;
  channelId: string;
  apiToken: string;
  webhookSecret: string;
}

export interface GatewayTestConfigOptions {
  /** Where the Meta channels' Graph API calls go (the provider sandbox). */
  metaGraphBaseUrl: string;
  /** Where the Whapi channel's API calls go (the provider sandbox). */
  whapiBaseUrl: string;
  pgliteDataDir: string;
  postgresUrl: string;
}

/**
 * The gateway config of the end-to-end tests: one Meta app; tenant `pglite-tenant` (PGlite, one Meta
 * number and one Whapi channel) and tenant `postgres-tenant` (PostgreSQL, one Meta number). Every
 * token and secret is random per run, so a log search for them cannot match by accident.
 */
export class GatewayTestConfig {
  readonly metaApp: MetaAppRecordV1 = { appId: '900000000000001', appSecret: secret('app-secret'), verifyToken: secret('verify') };
  readonly pgliteNumber: TestMetaNumber = {
    tenantId: 'pglite-tenant',
    phoneNumberId: '100000000000001',
    wabaId: '200000000000001',
    accessToken: secret('EAAG-pglite-token'),
  };
  readonly postgresNumber: TestMetaNumber = {
    tenantId: 'postgres-tenant',
    phoneNumberId: '100000000000002',
    wabaId: '200000000000002',
    accessToken: secret('EAAG-postgres-token'),
  };
  readonly whapiChannel: TestWhapiChannel = {
    tenantId: 'pglite-tenant',
    channelId: 'TESTCH-E2E01',
    apiToken: secret('whapi-token'),
    webhookSecret: secret('whapi-webhook-secret'),
  };
  private config: GatewayConfigV1;
  private lastMtimeMs = 0;

  constructor(
    readonly path: string,
    private readonly options: GatewayTestConfigOptions,
  ) {
    this.config = GatewayConfigV1.parse({
      metaApps: [this.metaApp],
      tenants: [
        {
          tenantId: this.pgliteNumber.tenantId,
          database: { engine: 'pglite', dataDir: options.pgliteDataDir },
          channels: [this.metaChannel(this.pgliteNumber), this.whapiChannelRecord(this.whapiChannel)],
        },
        {
          tenantId: this.postgresNumber.tenantId,
          database: { engine: 'postgres', url: options.postgresUrl, poolMax: 4 },
          channels: [this.metaChannel(this.postgresNumber)],
        },
      ],
    });
  }

  get current(): GatewayConfigV1 {
    return structuredClone(this.config);
  }

  /** A Meta number on a tenant's channel list (the tenant must exist; it is added on write). */
  metaChannel(number: TestMetaNumber): TenantRecordV1['channels'][number] {
    return {
      provider: 'meta',
      channelId: number.phoneNumberId,
      wabaId: number.wabaId,
      metaAppId: this.metaApp.appId,
      accessToken: number.accessToken,
      graphBaseUrl: this.options.metaGraphBaseUrl,
      graphVersion: 'v24.0',
    };
  }

  whapiChannelRecord(channel: TestWhapiChannel): TenantRecordV1['channels'][number] {
    return {
      provider: 'whapi',
      channelId: channel.channelId,
      apiToken: channel.apiToken,
      webhookSecret: channel.webhookSecret,
      baseUrl: this.options.whapiBaseUrl,
    };
  }

  /** A fresh Meta number for a tenant, not yet in the config (e.g. to be onboarded later). */
  newMetaNumber(tenantId: string, phoneNumberId: string): TestMetaNumber {
    return { tenantId, phoneNumberId, wabaId: `2${phoneNumberId.slice(1)}`, accessToken: secret(`EAAG-${tenantId}-token`) };
  }

  /** A fresh Whapi channel for a tenant, not yet in the config. */
  newWhapiChannel(tenantId: string, channelId: string): TestWhapiChannel {
    return { tenantId, channelId, apiToken: secret(`whapi-${tenantId}-token`), webhookSecret: secret(`whapi-${tenantId}-webhook-secret`) };
  }

  addTenant(tenantId: string, database: DatabaseSettingsV1, numbers: TestMetaNumber[], whapiChannels: TestWhapiChannel[] = []): void {
    this.config.tenants.push({
      tenantId,
      database,
      channels: [...numbers.map((number) => this.metaChannel(number)), ...whapiChannels.map((channel) => this.whapiChannelRecord(channel))],
    });
  }

  addMetaNumber(number: TestMetaNumber): void {
    this.tenant(number.tenantId).channels.push(this.metaChannel(number));
  }

  removeTenant(tenantId: string): void {
    this.config.tenants = this.config.tenants.filter((tenant) => tenant.tenantId !== tenantId);
  }

  setDatabase(tenantId: string, database: DatabaseSettingsV1): void {
    this.tenant(tenantId).database = database;
  }

  /** Every token and secret in the config: none of them may ever reach a log line. */
  secrets(): string[] {
    const values = this.config.metaApps.flatMap((app) => [app.appSecret, app.verifyToken]);
    for (const tenant of this.config.tenants) {
      for (const channel of tenant.channels) {
        values.push(...(channel.provider === 'meta' ? [channel.accessToken] : [channel.apiToken, channel.webhookSecret]));
      }
    }
    return values;
  }

  /**
   * Writes the file atomically (rename) and moves its mtime forward, so a file store that re-reads on
   * mtime change sees the new version even within the file system's timestamp resolution.
   */
  async write(): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.config, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
    this.lastMtimeMs = Math.max(Date.now() + 2_000, this.lastMtimeMs + 1_000);
    const mtime = new Date(this.lastMtimeMs);
    await utimes(this.path, mtime, mtime);
  }

  private tenant(tenantId: string): TenantRecordV1 {
    const tenant = this.config.tenants.find((candidate) => candidate.tenantId === tenantId);
    if (tenant === undefined) throw new Error(`no tenant ${tenantId} in the test config`);
    return tenant;
  }
}
