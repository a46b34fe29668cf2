import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import type { DatabaseSettingsV1, QueueRole } from '@wagw/contracts';
import type { OutboundMessageStore } from '@wagw/core/ports';
import { systemClock } from '@wagw/core/ports';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { startEmulator } from '@wagw/emulator/start-emulator';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import { PostgresTenantStore } from '@wagw/tenant-db/postgres-tenant-store';
import type { CollectorDependencies, TenantRunLauncher } from '../../src/collector-dependencies';
import type { CollectorResult } from '../../src/handle-collector-event';
import { handleCollectorEvent } from '../../src/handle-collector-event';
import { ALICE, BOB, capturingLogger, settings, textMessage } from '../support/builders';
import { closedPort } from '../support/closed-port';
import { FakeCredentials } from '../support/fakes';
import { drainQueue } from '../support/queue-drain';

jest.setTimeout(120_000);

/** A database host that accepts TCP connections and never answers, until closed. */
const startBlackHole = async () => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

/** Runs each launched tenant run in this process, as local mode's asynchronous invoke does. */
class InProcessLauncher implements TenantRunLauncher {
  readonly runs = new Map<string, Promise<CollectorResult>>();
  deps: CollectorDependencies | undefined;

  async launch(tenantId: string): Promise<void> {
    if (this.deps === undefined) throw new Error('no dependencies');
    this.runs.set(tenantId, handleCollectorEvent(this.deps, { tenantId }));
  }
}

const tenantSummary = (tenantId: string) => ({ tenantId, defaultChannelId: `${tenantId}-whapi`, channels: [{ provider: 'whapi' as const, channelId: `${tenantId}-whapi` }] });

describe('outbound-collector with a tenant database that is down', () => {
  let emulator: RunningEmulator;
  let sqs: SQSClient;
  let queueUrls: Record<QueueRole, string>;
  let dir: string;
  let prefixCounter = 0;

  beforeAll(async () => {
    emulator = await startEmulator();
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    dir = await mkdtemp(join(tmpdir(), 'outbound-collector-dead-'));
  });

  afterAll(async () => {
    sqs?.destroy();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const setup = async (downSettings: DatabaseSettingsV1) => {
    prefixCounter += 1;
    const s3 = createS3Client({ endpoint: emulator.endpoint });
    ({ queueUrls } = await createGatewayResources({ sqs, s3, bucket: `collector-dead-${prefixCounter}`, namePrefix: `ocd${prefixCounter}-` }));
    s3.destroy();
    const liveSettings: DatabaseSettingsV1 = { engine: 'pglite', dataDir: join(dir, `live-${prefixCounter}`) };
    const settingsOf: Record<string, DatabaseSettingsV1> = { down: downSettings, live: liveSettings };
    const pools = new PooledTenantStores({
      settingsFor: async (tenantId) => settingsOf[tenantId] as DatabaseSettingsV1,
      idleMs: 60_000,
      sweepEveryMs: 0,
      // The hung database's connect timeout is far beyond the test: only closing the black hole ends its wait.
      createStore: (databaseSettings, options) =>
        databaseSettings.engine === 'postgres'
          ? Promise.resolve(new PostgresTenantStore(databaseSettings, { ...options, timeouts: { connectTimeoutMs: 120_000, statementTimeoutMs: 500, queryTimeoutMs: 600 } }))
          : createTenantStore(databaseSettings, options),
    });
    const { logger, lines } = capturingLogger();
    const launcher = new InProcessLauncher();
    const deps: CollectorDependencies = {
      // The down tenant comes first in the list.
      credentials: new FakeCredentials([tenantSummary('down'), tenantSummary('live')]),
      stores: new FailFastTenantStores<OutboundMessageStore>(pools, { clock: systemClock }),
      publisher: new SqsEventPublisher(sqs, queueUrls),
      launcher,
      clock: systemClock,
      sleep: (ms: number) => sleep(ms),
      logger,
      settings: settings({ runSeconds: 1, idleMinMs: 10, idleMaxMs: 100 }),
    };
    launcher.deps = deps;
    const live = await pools.forTenant('live');
    await live.migrate();
    for (const toId of [ALICE, BOB, ALICE]) await live.insertOutboundMessage({ channelId: null, toId, message: textMessage(`to ${toId}`) });
    return { deps, launcher, pools, live, lines };
  };

  it("collects the other tenant's rows while a tenant database refuses connections, and logs that tenant's run as failed", async () => {
    // Prepare
    const { deps, launcher, pools, live, lines } = await setup({ engine: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere` });

    // Act
    const fanOut = await handleCollectorEvent(deps, { source: 'aws.events', 'detail-type': 'Scheduled Event' });
    const [down, alive] = await Promise.all([launcher.runs.get('down'), launcher.runs.get('live')]);

    // Assert
    expect(fanOut).toEqual({ run: 'fan-out', tenants: 2, launched: 2, notLaunched: [] });
    expect(down).toMatchObject({ run: 'tenant', tenantId: 'down', polls: 0, stoppedBy: 'error' });
    expect(alive).toMatchObject({ run: 'tenant', tenantId: 'live', queued: 3, stoppedBy: 'deadline' });
    expect((await live.listOutboundMessages()).map((row) => row.status)).toEqual(['queued', 'queued', 'queued']);
    expect(await drainQueue(sqs, queueUrls['outbound-messages'], 3)).toHaveLength(3);
    expect(lines.find((line) => line.msg === 'tenant collect run failed')).toMatchObject({ tenantId: 'down', code: 'TENANT_DB_UNAVAILABLE' });
    await pools.closeAll();
  });

  it("finishes the other tenant's whole run while a hung tenant database is still being waited for", async () => {
    // Prepare
    const blackHole = await startBlackHole();
    const { deps, launcher, pools, live } = await setup({ engine: 'postgres', url: `postgres://postgres@127.0.0.1:${blackHole.port}/nowhere` });
    let hungSettled = false;

    // Act
    await handleCollectorEvent(deps, { source: 'aws.events' });
    const hung = launcher.runs.get('down')?.finally(() => {
      hungSettled = true;
    });
    const alive = await launcher.runs.get('live');
    const hungWhenAliveEnded = hungSettled;
    await blackHole.close();
    const hungResult = await hung;

    // Assert
    expect(alive).toMatchObject({ queued: 3, stoppedBy: 'deadline' });
    expect((await live.listOutboundMessages()).map((row) => row.status)).toEqual(['queued', 'queued', 'queued']);
    expect(hungWhenAliveEnded).toBe(false);
    expect(hungResult).toMatchObject({ tenantId: 'down', stoppedBy: 'error' });
    await drainQueue(sqs, queueUrls['outbound-messages'], 3);
    await pools.closeAll();
  });
});
