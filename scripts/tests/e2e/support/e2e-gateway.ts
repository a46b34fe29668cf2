import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSettingsV1 } from '@wagw/contracts';
import { resolveDatabaseSettings } from '@wagw/local/pglite-paths';
import { startLocalGateway } from '@wagw/local/local-gateway';
import type { LocalGateway, LocalGatewayOptions } from '@wagw/local/local-gateway';
import type { LocalLogger } from '@wagw/local/local-logger';
import { EmulatorInspector } from './emulator-inspector';
import { freePort } from '@wagw/local/free-port';
import { GatewayTestConfig } from './gateway-test-config';
import { TenantRows } from './tenant-rows';
import { createDatabase, dropDatabase, uniqueDatabaseName } from './test-postgres';

export interface E2eGatewayOptions {
  logger?: LocalLogger;
  logLevel?: string;
  /** Changes to the config before the gateway starts (extra tenants, a broken database…). */
  prepare?: (
    config: GatewayTestConfig,
    harness: { dir: string; databaseName: (prefix: string) => string; createPostgresDatabase: (name: string) => Promise<string> },
  ) => void | Promise<void>;
  environment?: Record<string, string>;
  queues?: LocalGatewayOptions['queues'];
  /** Poller settings over the harness's (short long-polls). */
  pollers?: LocalGatewayOptions['pollers'];
  collectorSchedule?: LocalGatewayOptions['collectorSchedule'];
  statusWebhooks?: LocalGatewayOptions['statusWebhooks'];
  sandboxSeed?: number;
}

export interface E2eGateway {
  gateway: LocalGateway;
  config: GatewayTestConfig;
  inspector: EmulatorInspector;
  rows: TenantRows;
  dir: string;
  /** Creates a PostgreSQL database that is dropped with the harness. */
  createPostgresDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * One local gateway for a test file: a temp directory (config, state, PGlite data), a fresh
 * PostgreSQL database, the provider sandbox on a port written into the config, short broker caches.
 * stop() undoes all of it, including the databases.
 */
export const startE2eGateway = async (options: E2eGatewayOptions = {}): Promise<E2eGateway> => {
  const dir = await mkdtemp(join(tmpdir(), 'wagw-e2e-'));
  const databases: string[] = [];
  const createPostgresDatabase = async (name: string): Promise<string> => {
    databases.push(name);
    return createDatabase(name);
  };
  let gateway: LocalGateway | undefined;
  let inspector: EmulatorInspector | undefined;
  let rows: TenantRows | undefined;
  const stop = async (): Promise<void> => {
    await rows?.close();
    await gateway?.stop();
    inspector?.destroy();
    for (const name of databases) await dropDatabase(name);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const postgresUrl = await createPostgresDatabase(uniqueDatabaseName('wagw_e2e'));
    const sandboxUrl = `http://127.0.0.1:${await freePort()}`;
    const config = new GatewayTestConfig(join(dir, 'gateway.json'), {
      metaGraphBaseUrl: sandboxUrl,
      whapiBaseUrl: sandboxUrl,
      pgliteDataDir: join(dir, 'db', 'pglite-tenant'),
      postgresUrl,
    });
    await options.prepare?.(config, { dir, databaseName: uniqueDatabaseName, createPostgresDatabase });
    await config.write();

    const stateDir = join(dir, 'state');
    const gatewayOptions: LocalGatewayOptions = {
      port: 0,
      configPath: config.path,
      stateDir,
      sandboxPort: Number(new URL(sandboxUrl).port),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      // Short long-polls keep stop() quick.
      pollers: {
        'inbound-writer': { waitTimeSeconds: 1, ...options.pollers?.['inbound-writer'] },
        'webhook-media': { waitTimeSeconds: 1, ...options.pollers?.['webhook-media'] },
        'message-sender': { waitTimeSeconds: 1, ...options.pollers?.['message-sender'] },
        'status-saver': { waitTimeSeconds: 1, ...options.pollers?.['status-saver'] },
      },
      // The broker re-reads the config file on change; a short TTL bounds anything else it caches.
      environment: { CACHE_TTL_SECONDS: '1', ...options.environment },
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.queues === undefined ? {} : { queues: options.queues }),
      ...(options.collectorSchedule === undefined ? {} : { collectorSchedule: options.collectorSchedule }),
      ...(options.statusWebhooks === undefined ? {} : { statusWebhooks: options.statusWebhooks }),
      ...(options.sandboxSeed === undefined ? {} : { sandboxSeed: options.sandboxSeed }),
    };
    gateway = await startLocalGateway(gatewayOptions);
    inspector = new EmulatorInspector(gateway.emulatorEndpoint, gateway.bucket);
    const settingsFor = (tenantId: string): DatabaseSettingsV1 => {
      const tenant = config.current.tenants.find((candidate) => candidate.tenantId === tenantId);
      if (tenant === undefined) throw new Error(`no tenant ${tenantId}`);
      return resolveDatabaseSettings(tenant.database, stateDir);
    };
    rows = new TenantRows(settingsFor);
    return { gateway, config, inspector, rows, dir, createPostgresDatabase, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
