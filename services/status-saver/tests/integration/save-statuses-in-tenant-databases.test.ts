import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { DatabaseSettingsV1, ReceiptEventV1, SendResultEventV1 } from '@wagw/contracts';
import { systemClock, type StatusStore } from '@wagw/core/ports';
import { createFifoBatchHandler, type FifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import type { TenantStore } from '@wagw/tenant-db/tenant-store';
import type { SQSRecord } from 'aws-lambda';
import { Client } from 'pg';
import { createStatusRecordProcessor } from '../../src/process-status-record';
import {
  capturingLogger,
  failedOutcome,
  META_CHANNEL,
  metaReceipt,
  recordOf,
  sendResult,
  sentOutcome,
  unknownOutcome,
  WHAPI_CHANNEL,
  whapiReceipt,
} from '../support/builders';
import { seededShuffle } from '../support/seeded-shuffle';

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

interface Target {
  name: string;
  open(): Promise<{ settings: DatabaseSettingsV1; drop(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: 'PGlite',
    open: async () => ({ settings: { engine: 'pglite', dataDir: `memory://status-saver-${randomBytes(4).toString('hex')}` }, drop: async () => undefined }),
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const databaseName = `wagw_status_saver_${randomBytes(6).toString('hex')}`;
      await onServer(`CREATE DATABASE ${databaseName}`);
      const url = new URL(PG_URL);
      url.pathname = `/${databaseName}`;
      return { settings: { engine: 'postgres', url: url.toString() }, drop: () => onServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`) };
    },
  },
];

const ACCEPTED_AT = '2025-10-09T08:53:20.000Z';
const SENT_AT = 1760000101;
const DELIVERED_AT = 1760000105;
const READ_AT = 1760000200;
const at = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

type StatusEvent = ReceiptEventV1 | SendResultEventV1;

describe.each(TARGETS)('status-saver on a $name tenant database', (target) => {
  let pools: PooledTenantStores;
  let up: TenantStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await target.open();
    drop = database.drop;
    const settings: Record<string, DatabaseSettingsV1> = {
      'tenant-up': database.settings,
      'tenant-down': { engine: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere` },
    };
    pools = new PooledTenantStores({ settingsFor: async (tenantId) => settings[tenantId] as DatabaseSettingsV1, idleMs: 60_000, sweepEveryMs: 0 });
    up = await pools.forTenant('tenant-up');
    await up.migrate();
  });

  afterAll(async () => {
    await pools?.closeAll();
    await drop?.();
  });

  const setupHandler = (): { handler: FifoBatchHandler; lines: Record<string, unknown>[] } => {
    const { logger, lines } = capturingLogger();
    const stores = new FailFastTenantStores<StatusStore>(pools, { clock: systemClock });
    return { handler: createFifoBatchHandler(createStatusRecordProcessor({ stores, clock: systemClock }), { logger }), lines };
  };

  /** Rows inserted as a tenant system does, then leased and queued as the collector does. */
  const queuedRows = async (toIds: readonly string[]): Promise<{ id: string; attempt: number; toId: string }[]> => {
    const ids: string[] = [];
    for (const toId of toIds) {
      ids.push(await up.insertOutboundMessage({ channelId: META_CHANNEL, toId, message: JSON.stringify({ type: 'text', text: { body: `hello ${toId}` } }) }));
    }
    const now = new Date();
    const leased = (await up.leaseDueMessages({ limit: 100, now, leaseSeconds: 600 })).filter((row) => ids.includes(row.id));
    await up.markQueued(
      leased.map(({ id, attempt }) => ({ id, attempt })),
      now,
    );
    expect(leased.map((row) => row.id).sort()).toEqual([...ids].sort());
    return leased.map(({ id, attempt, toId }) => ({ id, attempt, toId }));
  };

  const eventsOf = async (providerMessageId: string): Promise<string[]> =>
    (await up.listStatusEventRecords({ limit: 10_000 }))
      .filter((event) => event.providerMessageId === providerMessageId)
      .map((event) => event.status)
      .sort();

  it('ends every row read with all its timestamps, each status recorded once, whatever order and however often the events come', async () => {
    // Prepare: six queued rows; per row its send result and three receipts, shuffled, some twice
    const rows = await queuedRows(['15550002001', '15550002002', '15550002003', '15550002004', '15550002005', '15550002006']);
    const wamidOf = (rowId: string): string => `wamid.IT-${target.name}-${rowId}`;
    const records: SQSRecord[] = rows.flatMap((row, index) => {
      const wamid = wamidOf(row.id);
      const events: StatusEvent[] = [
        { ...sendResult({ tenantId: 'tenant-up', rowId: row.id, attempt: row.attempt }, sentOutcome(wamid, ACCEPTED_AT)), contactId: row.toId },
        metaReceipt('tenant-up', { id: wamid, status: 'sent', timestamp: SENT_AT }),
        metaReceipt('tenant-up', { id: wamid, status: 'delivered', timestamp: DELIVERED_AT }),
        metaReceipt('tenant-up', { id: wamid, status: 'read', timestamp: READ_AT }),
      ];
      const duplicated = [...events, ...seededShuffle(events, 100 + index).slice(0, 2)];
      return seededShuffle(duplicated, index).map((event) => recordOf(event));
    });
    const orderedByRow = seededShuffle(records, 7);
    const batches = [orderedByRow.slice(0, 12), orderedByRow.slice(12, 24), orderedByRow.slice(24)];
    const { handler } = setupHandler();

    // Act: two batches at once (two pollers), then the third
    const responses = [...(await Promise.all([handler({ Records: batches[0] ?? [] }), handler({ Records: batches[1] ?? [] })]))];
    responses.push(await handler({ Records: batches[2] ?? [] }));

    // Assert
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    for (const row of rows) {
      const saved = await up.findOutboundMessage(row.id);
      expect(saved).toMatchObject({
        status: 'read',
        provider: 'meta',
        providerMessageId: wamidOf(row.id),
        channelId: META_CHANNEL,
        reservedUntil: null,
        errorCode: null,
        sentAt: new Date(ACCEPTED_AT),
        readAt: at(READ_AT),
      });
      expect([at(DELIVERED_AT), at(READ_AT)]).toContainEqual(saved?.deliveredAt);
      expect(await eventsOf(wamidOf(row.id))).toEqual(['delivered', 'read', 'sent']);
    }
  });

  it('records a receipt for a message the gateway did not send as an event only', async () => {
    const [row] = await queuedRows(['15550003001']);
    const { handler } = setupHandler();

    const response = await handler({ Records: [recordOf(metaReceipt('tenant-up', { id: 'wamid.FROM-THE-PHONE', status: 'read', timestamp: READ_AT }))] });

    expect(response.batchItemFailures).toEqual([]);
    expect((await up.listStatusEventRecords({ limit: 10_000 })).filter((event) => event.providerMessageId === 'wamid.FROM-THE-PHONE')).toEqual([
      expect.objectContaining({ provider: 'meta', status: 'read', outboundMessageId: null, occurredAt: at(READ_AT), recipientId: '15550001111' }),
    ]);
    expect((await up.listOutboundMessages({ limit: 10_000 })).some((saved) => saved.providerMessageId === 'wamid.FROM-THE-PHONE')).toBe(false);
    expect((await up.findOutboundMessage(row?.id ?? ''))?.status).toBe('queued');
  });

  it("records Whapi 'pending' without touching the row", async () => {
    const [row] = await queuedRows(['15550004001']);
    if (row === undefined) throw new Error('no row');
    const whapiId = `TestWhapiOut-${target.name}-${row.id}`;
    const { handler } = setupHandler();

    const response = await handler({
      Records: [
        recordOf({ ...sendResult({ tenantId: 'tenant-up', rowId: row.id, attempt: row.attempt, provider: 'whapi', channelId: WHAPI_CHANNEL }, sentOutcome(whapiId)), contactId: row.toId }),
        recordOf(whapiReceipt('tenant-up', { id: whapiId, status: 'pending' })),
      ],
    });

    expect(response.batchItemFailures).toEqual([]);
    expect(await up.findOutboundMessage(row.id)).toMatchObject({ status: 'sent', provider: 'whapi', providerMessageId: whapiId });
    expect(await eventsOf(whapiId)).toEqual(['pending', 'sent']);
  });

  it("marks rows failed on failed and unknown send results, leaves a row alone for another attempt's failure, and takes another attempt's acceptance", async () => {
    const [failed, unknown, other, acceptedElsewhere] = await queuedRows(['15550005001', '15550005002', '15550005003', '15550005004']);
    if (failed === undefined || unknown === undefined || other === undefined || acceptedElsewhere === undefined) throw new Error('rows missing');
    const { handler } = setupHandler();

    const response = await handler({
      Records: [
        recordOf(sendResult({ tenantId: 'tenant-up', rowId: failed.id, attempt: failed.attempt }, failedOutcome('131026', 'Message undeliverable'))),
        recordOf(sendResult({ tenantId: 'tenant-up', rowId: unknown.id, attempt: unknown.attempt }, unknownOutcome())),
        recordOf(sendResult({ tenantId: 'tenant-up', rowId: other.id, attempt: other.attempt + 1 }, failedOutcome('131026', 'Message undeliverable'))),
        // An acceptance is proof whatever attempt sent it
        recordOf(sendResult({ tenantId: 'tenant-up', rowId: acceptedElsewhere.id, attempt: acceptedElsewhere.attempt + 1 }, sentOutcome(`wamid.OTHER-${acceptedElsewhere.id}`))),
      ],
    });

    expect(response.batchItemFailures).toEqual([]);
    expect(await up.findOutboundMessage(failed.id)).toMatchObject({ status: 'failed', errorCode: '131026', errorMessage: 'Message undeliverable' });
    expect(await up.findOutboundMessage(unknown.id)).toMatchObject({ status: 'failed', errorCode: 'SEND_OUTCOME_UNKNOWN' });
    expect(await up.findOutboundMessage(other.id)).toMatchObject({ status: 'queued', providerMessageId: null, errorCode: null });
    expect(await up.findOutboundMessage(acceptedElsewhere.id)).toMatchObject({ status: 'sent', providerMessageId: `wamid.OTHER-${acceptedElsewhere.id}` });
    expect(await eventsOf(`outbound:${failed.id}:${failed.attempt}`)).toEqual(['failed']);
    expect(await eventsOf(`outbound:${unknown.id}:${unknown.attempt}`)).toEqual(['unknown']);
  });

  it('reconciles ambiguous sends from Meta receipts whose callback data names the row (any attempt), and leaves a real failure alone', async () => {
    // Prepare: four queued rows whose sends all timed out after the request went out
    const [before, after, otherAttempt, realFailure] = await queuedRows(['15550007001', '15550007002', '15550007003', '15550007004']);
    if (before === undefined || after === undefined || otherAttempt === undefined || realFailure === undefined) throw new Error('rows missing');
    const wamidOf = (rowId: string): string => `wamid.RECONCILED-${target.name}-${rowId}`;
    const receiptsOf = (row: { id: string; attempt: number }, attempt = row.attempt): SQSRecord[] =>
      (
        [
          ['sent', SENT_AT],
          ['delivered', DELIVERED_AT],
          ['read', READ_AT],
        ] as const
      ).map(([status, timestamp]) =>
        recordOf(metaReceipt('tenant-up', { id: wamidOf(row.id), status, timestamp, callbackData: `outbound:${row.id}:${attempt}` })),
      );
    const unknownResultOf = (row: { id: string; attempt: number; toId: string }): SQSRecord =>
      recordOf({ ...sendResult({ tenantId: 'tenant-up', rowId: row.id, attempt: row.attempt }, unknownOutcome()), contactId: row.toId });
    const { handler, lines } = setupHandler();

    // Act: `before`'s receipts land before its unknown result, the others' after theirs
    const responses = [
      await handler({ Records: receiptsOf(before) }),
      await handler({
        Records: [
          unknownResultOf(before),
          unknownResultOf(after),
          unknownResultOf(otherAttempt),
          recordOf(sendResult({ tenantId: 'tenant-up', rowId: realFailure.id, attempt: realFailure.attempt }, failedOutcome('131026', 'Message undeliverable'))),
        ],
      }),
      await handler({ Records: [...receiptsOf(after), ...receiptsOf(otherAttempt, otherAttempt.attempt + 1), ...receiptsOf(realFailure)] }),
    ];

    // Assert: the receipts naming another attempt prove that attempt went out: its row is reconciled too
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    for (const row of [before, after, otherAttempt]) {
      expect(await up.findOutboundMessage(row.id)).toMatchObject({
        status: 'read',
        provider: 'meta',
        channelId: META_CHANNEL,
        providerMessageId: wamidOf(row.id),
        sentAt: at(SENT_AT),
        deliveredAt: at(DELIVERED_AT),
        readAt: at(READ_AT),
        errorCode: null,
        errorMessage: null,
        failedAt: null,
        reservedUntil: null,
      });
      expect(await eventsOf(wamidOf(row.id))).toEqual(['delivered', 'read', 'sent']);
    }
    expect(await up.findOutboundMessage(realFailure.id)).toMatchObject({ status: 'failed', errorCode: '131026', providerMessageId: null });
    expect(await eventsOf(`outbound:${before.id}:${before.attempt}`)).toEqual(['unknown']);
    expect(lines.filter((line) => line.msg === 'sent message reconciled from a receipt').map((line) => line.rowId)).toEqual([before.id, after.id, otherAttempt.id]);
  });

  it("fails only the dead tenant's records (partial batch failure) while the other tenant's records apply", async () => {
    // Prepare
    const [row] = await queuedRows(['15550006001']);
    if (row === undefined) throw new Error('no row');
    const wamid = `wamid.ALIVE-${target.name}-${row.id}`;
    const { handler, lines } = setupHandler();
    const deadResult = recordOf(sendResult({ tenantId: 'tenant-down', rowId: '1' }, sentOutcome('wamid.DEAD-1')));
    // Another conversation of the dead tenant: its own group, so it is tried (and fails fast) too
    const deadReceipt = recordOf({ ...metaReceipt('tenant-down', { id: 'wamid.DEAD-2', status: 'delivered' }), contactId: '15550009999' });
    const records = [
      deadResult,
      recordOf({ ...sendResult({ tenantId: 'tenant-up', rowId: row.id, attempt: row.attempt }, sentOutcome(wamid)), contactId: row.toId }),
      deadReceipt,
      recordOf(metaReceipt('tenant-up', { id: wamid, status: 'delivered', timestamp: DELIVERED_AT })),
    ];

    // Act
    const response = await handler({ Records: records });

    // Assert
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual([deadResult.messageId, deadReceipt.messageId].sort());
    expect(await up.findOutboundMessage(row.id)).toMatchObject({ status: 'delivered', providerMessageId: wamid, deliveredAt: at(DELIVERED_AT) });
    expect(lines.filter((line) => line.msg === 'record failed').map((line) => line.code)).toEqual(['TENANT_DB_UNAVAILABLE', 'TENANT_DB_UNAVAILABLE']);
  });
});
