import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { DatabaseSettingsV1, InboundMessageEventV1 } from '@wagw/contracts';
import { systemClock } from '@wagw/core/ports';
import { conversationGroupId } from '@wagw/core/ids';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import { PostgresTenantStore } from '@wagw/tenant-db/postgres-tenant-store';
import type { SQSRecord } from 'aws-lambda';
import { Client } from 'pg';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { createInboundRecordProcessor } from '../../src/process-inbound-record';
import { capturingLogger, META_CHANNEL, metaMessageEvent } from '../support/builders';
import { RecordingPublisher } from '../support/in-memory-tenant-stores';

jest.setTimeout(60_000);

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const onServer = async (sql: string): Promise<void> => {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/** A database host that accepts TCP connections and then never answers (packets dropped). */
const startBlackHole = async () => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

let sequence = 0;
const record = (event: InboundMessageEventV1): SQSRecord => {
  sequence += 1;
  return {
    messageId: `${event.tenantId}-${sequence}`,
    receiptHandle: `r-${sequence}`,
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1760000005000',
      SenderId: 'TEST',
      ApproximateFirstReceiveTimestamp: '1760000005000',
      MessageGroupId: conversationGroupId(event.tenantId, META_CHANNEL, event.contactId),
      MessageDeduplicationId: `d-${sequence}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:inbound-events.fifo',
    awsRegion: 'us-east-1',
  };
};

describe('inbound-writer with a tenant database that hangs', () => {
  const databaseName = `wagw_dead_tenant_${randomBytes(6).toString('hex')}`;
  let blackHole: Awaited<ReturnType<typeof startBlackHole>>;
  let pools: PooledTenantStores;

  beforeAll(async () => {
    await onServer(`CREATE DATABASE ${databaseName}`);
    const url = new URL(PG_URL);
    url.pathname = `/${databaseName}`;
    blackHole = await startBlackHole();
    const settings: Record<string, DatabaseSettingsV1> = {
      'tenant-up': { engine: 'postgres', url: url.toString() },
      'tenant-hung': { engine: 'postgres', url: `postgres://postgres@127.0.0.1:${blackHole.port}/nowhere` },
    };
    await migrateTenantDatabase(settings['tenant-up'] as DatabaseSettingsV1, { tenantId: 'tenant-up' });
    pools = new PooledTenantStores({
      settingsFor: async (tenantId) => settings[tenantId] as DatabaseSettingsV1,
      idleMs: 60_000,
      sweepEveryMs: 0,
      // Short timeouts keep the test quick; the defaults are the tenant-db package's concern.
      createStore: async (databaseSettings, options) =>
        new PostgresTenantStore(databaseSettings as Extract<DatabaseSettingsV1, { engine: 'postgres' }>, {
          ...options,
          timeouts: { connectTimeoutMs: 300, statementTimeoutMs: 300, queryTimeoutMs: 400 },
        }),
    });
  });

  afterAll(async () => {
    await pools?.closeAll();
    await blackHole?.close();
    await onServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  it("spends one connection attempt on the hung tenant per batch and writes the other tenant's records", async () => {
    // Prepare
    const { logger, lines } = capturingLogger();
    const stores = new FailFastTenantStores(pools, { clock: systemClock });
    const handler = createFifoBatchHandler(createInboundRecordProcessor({ stores, publisher: new RecordingPublisher(), clock: systemClock }), {
      logger,
    });
    const hung = ['15550000001', '15550000002', '15550000003'].map((contactId) =>
      record(metaMessageEvent('tenant-hung', 'meta-webhook-text.json', { contactId })),
    );
    const up = [record(metaMessageEvent('tenant-up', 'meta-webhook-text.json')), record(metaMessageEvent('tenant-up', 'meta-webhook-reaction.json'))];

    // Act
    const response = await handler({ Records: [hung[0], up[0], hung[1], up[1], hung[2]] as SQSRecord[] });

    // Assert
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(hung.map((item) => item.messageId));
    expect(blackHole.connections()).toBe(1);
    const failures = lines.filter((line) => line.msg === 'record failed');
    expect(failures.map((line) => line.code)).toEqual(['TENANT_DB_UNAVAILABLE', 'TENANT_DB_UNAVAILABLE', 'TENANT_DB_UNAVAILABLE']);
    const upStore = await pools.forTenant('tenant-up');
    expect((await upStore.listInboundMessages()).map((row) => row.type)).toEqual(['text', 'reaction']);
  });
});
