import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { DatabaseSettingsV1 } from '@wagw/contracts';
import { conversationGroupId } from '@wagw/core/ids';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { Client } from 'pg';
import { createInboundRecordProcessor } from '../../src/process-inbound-record';
import { capturingLogger, mediaResultEvent, META_CHANNEL, metaMessageEvent, USER } from '../support/builders';
import { fixedClock, RecordingPublisher } from '../support/in-memory-tenant-stores';

jest.setTimeout(120_000);

/** The local PostgreSQL server (CI starts it); each run creates and drops its own database. */
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

/** A TCP port nothing listens on: bound, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

let sequence = 0;
const record = (tenantId: string, body: unknown): SQSRecord => {
  sequence += 1;
  return {
    messageId: `${tenantId}-${sequence}`,
    receiptHandle: `r-${sequence}`,
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1760000005000',
      SenderId: 'TEST',
      ApproximateFirstReceiveTimestamp: '1760000005000',
      MessageGroupId: conversationGroupId(tenantId, META_CHANNEL, USER),
      MessageDeduplicationId: `d-${sequence}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:inbound-events.fifo',
    awsRegion: 'us-east-1',
  };
};

describe('inbound-writer on real tenant stores (a PostgreSQL database, an unreachable one)', () => {
  const databaseName = `wagw_inbound_writer_${randomBytes(6).toString('hex')}`;
  let stores: PooledTenantStores;
  let settings: Record<string, DatabaseSettingsV1>;

  beforeAll(async () => {
    await onServer(`CREATE DATABASE ${databaseName}`);
    const url = new URL(PG_URL);
    url.pathname = `/${databaseName}`;
    settings = {
      'tenant-up': { engine: 'postgres', url: url.toString() },
      'tenant-down': { engine: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere` },
    };
    await migrateTenantDatabase(settings['tenant-up'] as DatabaseSettingsV1, { tenantId: 'tenant-up' });
    stores = new PooledTenantStores({
      settingsFor: async (tenantId) => settings[tenantId] as DatabaseSettingsV1,
      idleMs: 60_000,
      sweepEveryMs: 0,
    });
  });

  afterAll(async () => {
    await stores?.closeAll();
    await onServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  it("fails only the down tenant's records; the other tenant's rows are written once, media applied", async () => {
    // Prepare
    const publisher = new RecordingPublisher();
    const { logger, lines } = capturingLogger();
    const handler = createFifoBatchHandler(
      createInboundRecordProcessor({ stores, publisher, clock: fixedClock('2025-10-09T08:53:30.000Z') }),
      { logger },
    );
    const image = metaMessageEvent('tenant-up', 'meta-webhook-image.json');
    const downRecord = record('tenant-down', metaMessageEvent('tenant-down', 'meta-webhook-text.json'));
    const event: SQSEvent = {
      Records: [
        downRecord,
        record('tenant-up', metaMessageEvent('tenant-up', 'meta-webhook-text.json')),
        record('tenant-up', image),
        record('tenant-up', metaMessageEvent('tenant-up', 'meta-webhook-text.json')),
      ],
    };

    // Act
    const first = await handler(event);
    const second = await handler({
      Records: [
        record('tenant-up', mediaResultEvent(image, { status: 'stored', key: 'media/x.jpg', mimeType: 'image/jpeg', size: 10, sha256: 'ab' })),
      ],
    });

    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: downRecord.messageId }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(lines.find((line) => line.msg === 'record failed')).toMatchObject({ code: 'TENANT_DB_UNAVAILABLE' });
    const upStore = await stores.forTenant('tenant-up');
    const rows = await upStore.listInboundMessages();
    expect(rows.map((row) => [row.providerMessageId, row.mediaStatus])).toEqual([
      ['wamid.TEST-IN-TEXT-0001', 'none'],
      ['wamid.TEST-IN-IMAGE-0001', 'stored'],
    ]);
    expect(rows[1]).toMatchObject({ body: 'Photo of the receipt', mediaKey: 'media/x.jpg', fromName: 'Test User' });
    expect(publisher.published.map(({ queue }) => queue)).toEqual(['media-jobs']);
  });
});
