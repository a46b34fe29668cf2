import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import type { DatabaseSettingsV1, QueueRole } from '@wagw/contracts';
import { OutboundMessageEventV1 } from '@wagw/contracts';
import type { OutboundMessageStore } from '@wagw/core/ports';
import { systemClock } from '@wagw/core/ports';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { startEmulator } from '@wagw/emulator/start-emulator';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import { collectTenant } from '../../src/collect-tenant';
import type { CollectorSettings } from '../../src/collector-dependencies';
import { acmeTenant, ALICE, BOB, capturingLogger, META_CHANNEL, messageFromFixture, settings, textMessage, WHAPI_CHANNEL } from '../support/builders';
import { FakeCredentials } from '../support/fakes';
import { drainQueue } from '../support/queue-drain';

jest.setTimeout(120_000);

describe('outbound-collector on a PGlite tenant database and the SQS emulator', () => {
  let emulator: RunningEmulator;
  let sqs: SQSClient;
  let queueUrls: Record<QueueRole, string>;
  let dir: string;
  let pools: PooledTenantStores;
  let prefixCounter = 0;

  beforeAll(async () => {
    emulator = await startEmulator();
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    dir = await mkdtemp(join(tmpdir(), 'outbound-collector-'));
  });

  afterAll(async () => {
    sqs?.destroy();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    prefixCounter += 1;
    const s3 = createS3Client({ endpoint: emulator.endpoint });
    ({ queueUrls } = await createGatewayResources({ sqs, s3, bucket: `collector-${prefixCounter}`, namePrefix: `oc${prefixCounter}-` }));
    s3.destroy();
    const settingsOf: DatabaseSettingsV1 = { engine: 'pglite', dataDir: join(dir, `acme-${prefixCounter}`) };
    pools = new PooledTenantStores({ settingsFor: async () => settingsOf, idleMs: 60_000, sweepEveryMs: 0 });
    await (await pools.forTenant('acme')).migrate();
  });

  afterEach(async () => {
    await pools.closeAll();
  });

  const collectorFor = (publisher: SqsEventPublisher, overrides: Partial<CollectorSettings> = {}) => {
    const { logger, lines } = capturingLogger();
    const deps = {
      credentials: new FakeCredentials([acmeTenant()]),
      stores: new FailFastTenantStores<OutboundMessageStore>(pools, { clock: systemClock }),
      publisher,
      clock: systemClock,
      sleep: (ms: number) => sleep(ms),
      logger,
      settings: settings({ batchSize: 4, idleMinMs: 10, idleMaxMs: 100, ...overrides }),
    };
    return { lines, collect: (runMs = 1_000) => collectTenant(deps, 'acme', new Date(Date.now() + runMs)) };
  };

  it('puts every valid row on outbound-messages.fifo in conversation order, marks it queued, and fails the invalid row', async () => {
    // Prepare
    const acme = await pools.forTenant('acme');
    const inserted: string[] = [];
    for (const [channelId, toId, message] of [
      [null, ALICE, textMessage('a1')],
      [null, BOB, textMessage('b1')],
      [null, ALICE, messageFromFixture('image_by_link')],
      [null, ALICE, '{"type":"text","text":'],
      [WHAPI_CHANNEL, ALICE, messageFromFixture('interactive_buttons')],
      [null, BOB, messageFromFixture('template')],
      [null, ALICE, textMessage('a3 😀 olá')],
      [null, BOB, messageFromFixture('location')],
      [null, ALICE, messageFromFixture('reaction')],
    ] as const) {
      inserted.push(await acme.insertOutboundMessage({ channelId, toId, message }));
    }
    // One lease takes every row: later ones would wait behind their conversation's queued row until it is sent.
    const { collect } = collectorFor(new SqsEventPublisher(sqs, queueUrls), { batchSize: 10 });

    // Act
    const summary = await collect();

    // Assert: the queue
    const drained = await drainQueue(sqs, queueUrls['outbound-messages'], 8);
    const events = drained.map((message) => ({ ...message, event: OutboundMessageEventV1.parse(JSON.parse(message.body)) }));
    const rowIdsIn = (groupId: string) => events.filter((message) => message.groupId === groupId).map((message) => message.event.rowId);
    const [a1, b1, a2, bad, whapi, b2, a3, b3, a4] = inserted as [string, string, string, string, string, string, string, string, string];
    expect(rowIdsIn(`acme:${META_CHANNEL}:${ALICE}`)).toEqual([a1, a2, a3, a4]);
    expect(rowIdsIn(`acme:${META_CHANNEL}:${BOB}`)).toEqual([b1, b2, b3]);
    expect(rowIdsIn(`acme:${WHAPI_CHANNEL}:${ALICE}`)).toEqual([whapi]);
    expect(events.map((message) => message.deduplicationId).sort()).toEqual(
      [a1, b1, a2, whapi, b2, a3, b3, a4].map((rowId) => `outbound:acme:${rowId}:1`).sort(),
    );
    expect(events.find((message) => message.event.rowId === a3)?.event.message).toEqual({ type: 'text', text: { body: 'a3 😀 olá' } });
    expect(events.find((message) => message.event.rowId === whapi)?.event).toMatchObject({ provider: 'whapi', channelId: WHAPI_CHANNEL });

    // Assert: the rows
    const rows = await acme.listOutboundMessages();
    expect(rows.filter((row) => row.id !== bad).map((row) => [row.status, row.attempts, row.queuedAt === null])).toEqual(
      Array.from({ length: 8 }, () => ['queued', 1, false]),
    );
    expect(rows.find((row) => row.id === bad)).toMatchObject({ status: 'failed', errorCode: 'INVALID_MESSAGE', errorMessage: 'message is not valid JSON', reservedUntil: null });
    expect(summary).toMatchObject({ leased: 9, queued: 8, failed: 1, released: 0, stoppedBy: 'deadline' });
  });

  it('releases the leases when the queue refuses the batch, and the next run enqueues the same attempt', async () => {
    // Prepare: a queue URL that does not exist
    const acme = await pools.forTenant('acme');
    const rowId = await acme.insertOutboundMessage({ channelId: null, toId: ALICE, message: textMessage('retry me') });
    const missingQueue = new SqsEventPublisher(sqs, { 'outbound-messages': `${queueUrls['outbound-messages']}-missing` }, { resendRounds: 0 });

    // Act
    const refused = await collectorFor(missingQueue).collect(300);
    const afterRefusal = await acme.findOutboundMessage(rowId);
    const accepted = await collectorFor(new SqsEventPublisher(sqs, queueUrls)).collect(300);

    // Assert
    expect(refused).toMatchObject({ queued: 0 });
    expect(refused.released).toBeGreaterThanOrEqual(1);
    expect(afterRefusal).toMatchObject({ status: 'pending', attempts: 0, reservedUntil: null });
    expect(accepted).toMatchObject({ queued: 1 });
    const [message] = await drainQueue(sqs, queueUrls['outbound-messages'], 1);
    expect(message?.deduplicationId).toBe(`outbound:acme:${rowId}:1`);
    expect(await acme.findOutboundMessage(rowId)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('after a publish that failed part-way, releases only the rows not on the queue, so each row is queued once and under its first attempt', async () => {
    // Prepare: 25 conversations go as SendMessageBatch calls of 10, 10, 5; the answer to the second call
    // is lost after the emulator took it, so the publisher gives up before the third
    const acme = await pools.forTenant('acme');
    const rowIds: string[] = [];
    for (let index = 10; index < 35; index += 1) rowIds.push(await acme.insertOutboundMessage({ channelId: null, toId: `155500000${index}`, message: textMessage(`m${index}`) }));
    const lossy = createSqsClient({ endpoint: emulator.endpoint });
    const calls: string[][] = [];
    lossy.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Entries?: { MessageDeduplicationId?: string }[] };
        if (input.Entries === undefined) return next(args);
        calls.push(input.Entries.map((entry) => entry.MessageDeduplicationId ?? ''));
        const result = await next(args);
        if (calls.length === 2) throw new Error('socket hang up');
        return result;
      },
      { step: 'initialize', name: 'loseSecondAnswer' },
    );
    const collector = collectorFor(new SqsEventPublisher(lossy, queueUrls), { batchSize: 25 });

    // Act
    const failedRun = await collector.collect(1_000);
    const nextRun = await collector.collect(1_000);
    lossy.destroy();

    // Assert
    const dedupOf = (rowId: string) => `outbound:acme:${rowId}:1`;
    expect(failedRun).toMatchObject({ leased: 25, queued: 10, ambiguous: 10, released: 5, stoppedBy: 'publish-ambiguous' });
    expect(nextRun).toMatchObject({ leased: 5, queued: 5, released: 0 });
    expect(calls.slice(2)).toEqual([rowIds.slice(20).map(dedupOf)]);
    const drained = await drainQueue(sqs, queueUrls['outbound-messages'], 25);
    expect(drained.map((message) => message.deduplicationId).sort()).toEqual(rowIds.map(dedupOf).sort());
    const rows = await acme.listOutboundMessages();
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(rowIds.map(() => ['queued', 1]));
  });
});
