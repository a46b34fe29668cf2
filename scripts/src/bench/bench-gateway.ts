import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSettingsV1, GatewayConfigV1 } from '@wagw/contracts';
import { freePort } from '@wagw/local/free-port';
import { startLocalGateway } from '@wagw/local/local-gateway';
import type { LocalGateway } from '@wagw/local/local-gateway';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import type { TenantStore } from '@wagw/tenant-db/tenant-store';
import { Client } from 'pg';

export interface BenchChannel {
  provider: 'meta' | 'whapi';
  channelId: string;
}

export interface BenchTenant {
  tenantId: string;
  engine: 'pglite' | 'postgres';
  phoneNumberId: string;
  /** Every channel of the tenant: its Meta number and a Whapi channel (outbound sends on both). */
  channels: BenchChannel[];
  /** A store on the same database the writer uses (PGlite: the same in-process instance). */
  store: TenantStore;
}

export interface BenchGateway {
  gateway: LocalGateway;
  appSecret: string;
  tenants: { pglite: BenchTenant; postgres: BenchTenant };
  stop(): Promise<void>;
}

export interface BenchGatewayOptions {
  /** PostgreSQL server to create the benchmark database on (trust or password in the URL). */
  postgresAdminUrl: string;
  writerConcurrency: number;
  /** message-sender poller concurrency (batches in flight). */
  senderConcurrency: number;
  /** status-saver poller concurrency. */
  saverConcurrency: number;
}

const withAdmin = async (adminUrl: string, sql: string): Promise<void> => {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/**
 * Local mode as `pnpm start` runs it, in this process, with two tenants: one on PGlite (a fresh
 * directory) and one on a fresh PostgreSQL database, each with a Meta number and a Whapi channel
 * whose API is the provider sandbox. Everything is removed by stop().
 */
export const startBenchGateway = async (options: BenchGatewayOptions): Promise<BenchGateway> => {
  const dir = await mkdtemp(join(tmpdir(), 'wagw-bench-'));
  const databaseName = `wagw_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const postgresUrl = new URL(options.postgresAdminUrl);
  postgresUrl.pathname = `/${databaseName}`;
  await withAdmin(options.postgresAdminUrl, `CREATE DATABASE ${databaseName}`);

  const appSecret = randomBytes(16).toString('hex');
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const metaChannel = (channelId: string) => ({
    provider: 'meta' as const,
    channelId,
    wabaId: `2${channelId.slice(1)}`,
    metaAppId: '900000000000001',
    accessToken: randomBytes(16).toString('hex'),
    graphBaseUrl: sandboxUrl,
    graphVersion: 'v24.0',
  });
  const whapiChannel = (channelId: string) => ({
    provider: 'whapi' as const,
    channelId,
    apiToken: randomBytes(16).toString('hex'),
    webhookSecret: randomBytes(16).toString('hex'),
    baseUrl: sandboxUrl,
  });
  const databases: Record<'pglite' | 'postgres', DatabaseSettingsV1> = {
    pglite: { engine: 'pglite', dataDir: join(dir, 'db', 'bench-pglite') },
    postgres: { engine: 'postgres', url: postgresUrl.toString(), poolMax: 4 },
  };
  const config: GatewayConfigV1 = {
    metaApps: [{ appId: '900000000000001', appSecret, verifyToken: randomBytes(8).toString('hex') }],
    tenants: [
      { tenantId: 'bench-pglite', database: databases.pglite, channels: [metaChannel('100000000000001'), whapiChannel('BENCH-WHAPI-1')] },
      { tenantId: 'bench-postgres', database: databases.postgres, channels: [metaChannel('100000000000002'), whapiChannel('BENCH-WHAPI-2')] },
    ],
  };
  const configPath = join(dir, 'gateway.json');
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });

  const opened: TenantStore[] = [];
  let gateway: LocalGateway | undefined;
  const stop = async (): Promise<void> => {
    for (const store of opened) await store.close();
    await gateway?.stop();
    await withAdmin(options.postgresAdminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    gateway = await startLocalGateway({
      port: 0,
      configPath,
      stateDir: join(dir, 'state'),
      sandboxPort,
      logLevel: 'error',
      pollers: {
        'inbound-writer': { concurrency: options.writerConcurrency, waitTimeSeconds: 1 },
        'webhook-media': { waitTimeSeconds: 1 },
        'message-sender': { concurrency: options.senderConcurrency, waitTimeSeconds: 1 },
        'status-saver': { concurrency: options.saverConcurrency, waitTimeSeconds: 1 },
      },
    });
    const failed = gateway.migrations.filter((migration) => migration.error !== undefined);
    if (failed.length > 0) throw new Error(`tenant migrations failed: ${failed.map((migration) => `${migration.tenantId}: ${migration.error}`).join('; ')}`);
    const open = async (tenantId: string, engine: 'pglite' | 'postgres', phoneNumberId: string): Promise<BenchTenant> => {
      const store = await createTenantStore(databases[engine], { tenantId });
      opened.push(store);
      const channels = config.tenants.find((tenant) => tenant.tenantId === tenantId)?.channels ?? [];
      return { tenantId, engine, phoneNumberId, store, channels: channels.map(({ provider, channelId }) => ({ provider, channelId })) };
    };
    return {
      gateway,
      appSecret,
      tenants: {
        pglite: await open('bench-pglite', 'pglite', '100000000000001'),
        postgres: await open('bench-postgres', 'postgres', '100000000000002'),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
