import { OutboundMessageEventV1 } from '@wagw/contracts';
import type { CollectorSettings } from '../../src/collector-dependencies';
import { collectTenant } from '../../src/collect-tenant';
import {
  acmeTenant,
  ALICE,
  BOB,
  capturingLogger,
  globexTenant,
  META_CHANNEL,
  messageFromFixture,
  settings,
  textMessage,
  WHAPI_CHANNEL,
} from '../support/builders';
import { FakeClock, FakeCredentials, InMemoryTenantStores, RecordingPublisher } from '../support/fakes';

const setup = (overrides: Partial<CollectorSettings> = {}) => {
  const clock = new FakeClock();
  const stores = new InMemoryTenantStores(clock);
  const publisher = new RecordingPublisher();
  const credentials = new FakeCredentials([acmeTenant(), globexTenant()]);
  const { logger, lines } = capturingLogger();
  const deps = { credentials, stores, publisher, clock, sleep: clock.sleep, logger, settings: settings(overrides) };
  /** Runs a tenant's collect loop for `runMs` of fake time. */
  const run = (tenantId = 'acme', runMs = 10_000) => collectTenant(deps, tenantId, new Date(clock.now().getTime() + runMs));
  return { clock, stores, publisher, credentials, lines, run, acme: stores.store('acme') };
};

const acmeGroup = (channelId: string, toId: string) => `acme:${channelId}:${toId}`;

describe('collectTenant', () => {
  describe('enqueueing', () => {
    it('queues every due row as an outbound-message.v1, grouped per conversation, deduplicated per attempt, and marks it queued', async () => {
      // Prepare
      const { acme, publisher, run, clock } = setup();
      const startedAt = clock.now();
      acme.insert({ toId: ALICE, message: textMessage('first') });
      acme.insert({ toId: BOB, message: messageFromFixture('image_by_link') });
      acme.insert({ toId: ALICE, channelId: WHAPI_CHANNEL, message: messageFromFixture('interactive_buttons') });

      // Act
      const summary = await run();

      // Assert
      expect(publisher.published.map(({ queue, message }) => [queue, message.groupId, message.deduplicationId])).toEqual([
        ['outbound-messages', acmeGroup(META_CHANNEL, ALICE), 'outbound:acme:1:1'],
        ['outbound-messages', acmeGroup(META_CHANNEL, BOB), 'outbound:acme:2:1'],
        ['outbound-messages', acmeGroup(WHAPI_CHANNEL, ALICE), 'outbound:acme:3:1'],
      ]);
      const events = publisher.bodies().map((body) => OutboundMessageEventV1.parse(body));
      expect(events[0]).toEqual({
        schema: 'outbound-message.v1',
        tenantId: 'acme',
        rowId: '1',
        attempt: 1,
        provider: 'meta',
        channelId: META_CHANNEL,
        toId: ALICE,
        message: { type: 'text', text: { body: 'first' } },
        leaseExpiresAt: new Date(startedAt.getTime() + 600_000).toISOString(),
        queuedAt: startedAt.toISOString(),
      });
      expect(events[2]).toMatchObject({ provider: 'whapi', channelId: WHAPI_CHANNEL, message: { type: 'interactive' } });
      expect(acme.rows.map((row) => [row.status, row.attempts, row.queuedAt])).toEqual([
        ['queued', 1, startedAt],
        ['queued', 1, startedAt],
        ['queued', 1, startedAt],
      ]);
      expect(summary).toMatchObject({ leased: 3, queued: 3, failed: 0, released: 0, stoppedBy: 'deadline' });
    });

    it("keeps each conversation's order across leases", async () => {
      // Prepare: two conversations interleaved, leased two rows at a time
      const { acme, publisher, run } = setup({ batchSize: 2 });
      for (let index = 1; index <= 7; index += 1) acme.insert({ toId: index % 2 === 0 ? BOB : ALICE, message: textMessage(`m${index}`) });

      // Act
      await run();

      // Assert
      const rowIdsOf = (toId: string) =>
        publisher.published.filter(({ message }) => message.groupId === acmeGroup(META_CHANNEL, toId)).map(({ message }) => (JSON.parse(message.body) as { rowId: string }).rowId);
      expect(rowIdsOf(ALICE)).toEqual(['1', '3', '5', '7']);
      expect(rowIdsOf(BOB)).toEqual(['2', '4', '6']);
      expect(publisher.calls).toEqual([2, 2, 2, 1]);
    });

    it("sends a row without a channel through the tenant's default channel, with that channel's provider", async () => {
      // Prepare
      const { acme, publisher, run, credentials } = setup();
      credentials.tenants = [acmeTenant({ defaultChannelId: WHAPI_CHANNEL })];
      acme.insert({ toId: ALICE, channelId: null, message: textMessage('hi') });

      // Act
      await run();

      // Assert
      expect(publisher.bodies()).toEqual([expect.objectContaining({ provider: 'whapi', channelId: WHAPI_CHANNEL })]);
      expect(publisher.published[0]?.message.groupId).toBe(acmeGroup(WHAPI_CHANNEL, ALICE));
    });

    it('leaves rows whose not_before has not come yet', async () => {
      const { acme, publisher, run, clock } = setup();
      acme.insert({ toId: ALICE, message: textMessage('later'), notBefore: new Date(clock.now().getTime() + 3_600_000) });

      await run();

      expect(publisher.published).toEqual([]);
      expect(acme.rows[0]).toMatchObject({ status: 'pending', attempts: 0 });
    });
  });

  describe('rows that cannot be sent', () => {
    it('fails each invalid row with a clear reason and still queues the rows behind it in the same conversation', async () => {
      // Prepare
      const { acme, publisher, run, lines } = setup();
      acme.insert({ toId: ALICE, message: textMessage('before') });
      acme.insert({ toId: ALICE, message: '{"type":"text","text":' });
      acme.insert({ toId: ALICE, message: JSON.stringify({ type: 'poll', poll: {} }) });
      acme.insert({ toId: ' ', message: textMessage('to nobody') });
      acme.insert({ toId: ALICE, channelId: '199999999999999', message: textMessage('foreign channel') });
      acme.insert({ toId: ALICE, message: textMessage('after') });

      // Act
      const summary = await run();

      // Assert
      expect(publisher.bodies().map((body) => body.rowId)).toEqual(['1', '6']);
      expect(acme.rows.map((row) => [row.id, row.status, row.errorCode])).toEqual([
        ['1', 'queued', null],
        ['2', 'failed', 'INVALID_MESSAGE'],
        ['3', 'failed', 'INVALID_MESSAGE'],
        ['4', 'failed', 'INVALID_RECIPIENT'],
        ['5', 'failed', 'UNKNOWN_CHANNEL'],
        ['6', 'queued', null],
      ]);
      expect(acme.row('2').errorMessage).toBe('message is not valid JSON');
      expect(acme.row('3').errorMessage).toContain("unknown type 'poll'");
      expect(acme.row('4').errorMessage).toBe('to_id is empty');
      expect(acme.row('5').errorMessage).toBe("channel 199999999999999 is not one of tenant acme's channels");
      expect(acme.row('5').reservedUntil).toBeNull();
      expect(summary).toMatchObject({ leased: 6, queued: 2, failed: 4 });
      expect(lines.filter((line) => line.msg === 'outbound row cannot be sent').map((line) => line.rowId)).toEqual(['2', '3', '4', '5']);
    });
  });

  describe('one row at a time', () => {
    it('fails a row whose check throws as INVALID_MESSAGE and queues the rest of the batch', async () => {
      // Prepare: the driver hands back row 2 with a lease end that is not a date
      const { acme, publisher, run } = setup();
      acme.insert({ toId: ALICE, message: textMessage('one') });
      acme.insert({ toId: BOB, message: textMessage('two') });
      acme.insert({ toId: ALICE, message: textMessage('three') });
      acme.onLease = (row) => (row.id === '2' ? { ...row, reservedUntil: new Date(Number.NaN) } : row);

      // Act
      const summary = await run();

      // Assert
      expect(publisher.bodies().map((body) => body.rowId)).toEqual(['1', '3']);
      expect(acme.row('2')).toMatchObject({
        status: 'failed',
        errorCode: 'INVALID_MESSAGE',
        errorMessage: 'the row could not be turned into a queue message (RangeError)',
      });
      expect(summary).toMatchObject({ queued: 2, failed: 1, stoppedBy: 'deadline' });
    });

    it('logs a row that cannot be marked failed, leaves it to its lease, and goes on with the others', async () => {
      // Prepare
      const { acme, publisher, run, lines, clock } = setup();
      acme.insert({ toId: ALICE, message: '{"type":"text","text":' });
      acme.insert({ toId: BOB, message: JSON.stringify({ type: 'poll', poll: {} }) });
      acme.insert({ toId: ALICE, message: textMessage('after') });
      acme.unfailable.add('1');
      const leaseEnd = new Date(clock.now().getTime() + 600_000);

      // Act
      const summary = await run();

      // Assert
      expect(acme.rows.map((row) => [row.id, row.status, row.errorCode])).toEqual([
        ['1', 'pending', null],
        ['2', 'failed', 'INVALID_MESSAGE'],
        ['3', 'queued', null],
      ]);
      expect(acme.row('1')).toMatchObject({ attempts: 1, reservedUntil: leaseEnd });
      expect(publisher.bodies().map((body) => body.rowId)).toEqual(['3']);
      expect(summary).toMatchObject({ failed: 1, leftLeased: 1, queued: 1, stoppedBy: 'deadline' });
      expect(lines.find((line) => line.msg === 'outbound row could not be failed; left to its lease')).toMatchObject({
        level: 50,
        rowId: '1',
        rowCode: 'INVALID_MESSAGE',
        code: 'TENANT_DB_REJECTED',
      });
    });

    it('fails a pending row leased beyond the maximum attempts instead of queueing it', async () => {
      // Prepare: row 1 was leased five times already (runs that died before queueing it), row 2 four times
      const { acme, publisher, run } = setup({ maxAttempts: 5 });
      acme.insert({ toId: ALICE, message: textMessage('tried five times') });
      acme.insert({ toId: BOB, message: textMessage('tried four times') });
      acme.row('1').attempts = 5;
      acme.row('2').attempts = 4;

      // Act
      const summary = await run();

      // Assert
      expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual(['outbound:acme:2:5']);
      expect(acme.row('1')).toMatchObject({
        status: 'failed',
        attempts: 6,
        errorCode: 'SEND_ATTEMPTS_EXHAUSTED',
        errorMessage: 'gave up after 5 attempts: leased again as attempt 6',
        reservedUntil: null,
      });
      expect(acme.row('2')).toMatchObject({ status: 'queued', attempts: 5 });
      expect(summary).toMatchObject({ failed: 1, queued: 1 });
    });
  });

  describe('channels onboarded since the tenant list was cached', () => {
    const NEW_CHANNEL = '100000000000009';

    it('asks the broker again, after dropping the cache, before failing a row as UNKNOWN_CHANNEL', async () => {
      // Prepare: the cached list predates the new number; the broker knows it
      const { acme, publisher, run, credentials } = setup();
      credentials.brokerTenants = [acmeTenant({ channels: [...acmeTenant().channels, { provider: 'meta', channelId: NEW_CHANNEL }] })];
      acme.insert({ toId: ALICE, channelId: NEW_CHANNEL, message: textMessage('first message on the new number') });

      // Act
      const summary = await run();

      // Assert
      expect(credentials.invalidations).toBe(1);
      expect(publisher.bodies()).toEqual([expect.objectContaining({ rowId: '1', provider: 'meta', channelId: NEW_CHANNEL })]);
      expect(acme.row('1').status).toBe('queued');
      expect(summary).toMatchObject({ queued: 1, failed: 0 });
    });

    it('asks once per run: a channel the fresh list lacks too is failed, now and later in the run', async () => {
      // Prepare: one unknown channel now, another after the first pause
      const { acme, run, credentials, clock } = setup();
      acme.insert({ toId: ALICE, channelId: '199999999999999', message: textMessage('foreign') });
      clock.onPause = (pause) => {
        if (pause === 1) acme.insert({ toId: BOB, channelId: '188888888888888', message: textMessage('foreign too') });
      };

      // Act
      const summary = await run();

      // Assert
      expect(credentials.invalidations).toBe(1);
      expect(acme.rows.map((row) => [row.status, row.errorCode])).toEqual([
        ['failed', 'UNKNOWN_CHANNEL'],
        ['failed', 'UNKNOWN_CHANNEL'],
      ]);
      expect(summary).toMatchObject({ failed: 2 });
    });

    it('keeps a row on an unknown channel pending, without failing it, while the broker cannot be asked again', async () => {
      // Prepare
      const { acme, publisher, run, credentials, lines } = setup();
      credentials.onInvalidate = () => {
        credentials.unavailable = true;
      };
      acme.insert({ toId: ALICE, channelId: NEW_CHANNEL, message: textMessage('new number') });
      acme.insert({ toId: BOB, message: textMessage('known number') });

      // Act
      const summary = await run();

      // Assert
      expect(credentials.invalidations).toBe(1);
      expect(acme.row('1')).toMatchObject({ status: 'pending', attempts: 0, reservedUntil: null, errorCode: null });
      expect(acme.row('2').status).toBe('queued');
      expect(publisher.bodies().map((body) => body.rowId)).toEqual(['2']);
      expect(summary).toMatchObject({ failed: 0, queued: 1, stoppedBy: 'deadline' });
      expect(summary.released).toBeGreaterThanOrEqual(1);
      expect(lines.find((line) => line.msg === 'tenant list not refreshed; rows on unknown channels stay pending')).toMatchObject({
        code: 'CREDENTIALS_UNAVAILABLE',
      });
    });
  });

  describe('enqueue failures', () => {
    it('releases the leases of a batch the queue did not take, and enqueues it again under the same attempt', async () => {
      // Prepare
      const { acme, publisher, run, clock, lines } = setup();
      acme.insert({ toId: ALICE, message: textMessage('one') });
      acme.insert({ toId: BOB, message: textMessage('two') });
      publisher.failures = 1;

      // Act
      const summary = await run();

      // Assert
      expect(publisher.calls).toEqual([2, 2]);
      expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual(['outbound:acme:1:1', 'outbound:acme:2:1']);
      expect(acme.rows.map((row) => [row.status, row.attempts])).toEqual([
        ['queued', 1],
        ['queued', 1],
      ]);
      expect(clock.pauses[0]).toBe(100);
      expect(summary).toMatchObject({ leased: 4, queued: 2, ambiguous: 0, released: 2, failed: 0 });
      expect(lines.find((line) => line.msg === 'outbound publish failed; only rows not on the queue released')).toMatchObject({
        tenantId: 'acme',
        rows: 2,
        queued: 0,
        ambiguous: 0,
        released: 2,
        code: 'QUEUE_PUBLISH_FAILED',
      });
    });

    it('after a publish that failed part-way, releases only the rows certainly not queued; the queued and the ambiguous ones are marked queued', async () => {
      // Prepare: six conversations; the publish confirms two, its failing call carried two more (which did land), two never went
      const { acme, publisher, run } = setup();
      for (let index = 1; index <= 6; index += 1) acme.insert({ toId: `1555000000${index}`, message: textMessage(`m${index}`) });
      publisher.partialFailure = { queued: 2, ambiguous: 2, ambiguousLanded: true };

      // Act
      const failedRun = await run();
      const rowsAfterFailure = acme.rows.map((row) => [row.id, row.status, row.attempts, row.reservedUntil === null]);
      const nextRun = await run();

      // Assert: rows 5 and 6 are released and published again under the same attempt; rows 1 to 4 are not touched again
      expect(rowsAfterFailure).toEqual([
        ['1', 'queued', 1, false],
        ['2', 'queued', 1, false],
        ['3', 'queued', 1, false],
        ['4', 'queued', 1, false],
        ['5', 'pending', 0, true],
        ['6', 'pending', 0, true],
      ]);
      expect(failedRun).toMatchObject({ leased: 6, queued: 2, ambiguous: 2, released: 2, stoppedBy: 'publish-ambiguous' });
      expect(publisher.sent).toEqual([
        ['outbound:acme:1:1', 'outbound:acme:2:1', 'outbound:acme:3:1', 'outbound:acme:4:1', 'outbound:acme:5:1', 'outbound:acme:6:1'],
        ['outbound:acme:5:1', 'outbound:acme:6:1'],
      ]);
      expect(nextRun).toMatchObject({ leased: 2, queued: 2, stoppedBy: 'deadline' });
      expect(acme.rows.map((row) => [row.id, row.status, row.attempts])).toEqual(['1', '2', '3', '4', '5', '6'].map((id) => [id, 'queued', 1]));
    });

    it('ends the run after a publish that left rows ambiguous, so a failing queue strands at most one batch per run', async () => {
      // Prepare: every publish fails without saying what it queued
      const { acme, publisher, run, clock } = setup({ batchSize: 100 });
      for (let index = 0; index < 300; index += 1) acme.insert({ toId: `1555000${index}`, message: textMessage(`m${index}`) });
      publisher.onPublish = () => {
        publisher.opaqueFailure = new Error('socket hang up');
      };

      // Act
      const summary = await run();

      // Assert
      expect(summary).toMatchObject({ polls: 1, leased: 100, ambiguous: 100, stoppedBy: 'publish-ambiguous' });
      expect(acme.rows.filter((row) => row.status === 'pending' && row.attempts === 0)).toHaveLength(200);
      expect(clock.pauses).toEqual([]);
    });

    it('leaves an ambiguous row that did not reach the queue to the reaper, which requeues it under a new attempt after lease and grace', async () => {
      // Prepare: the failing call carried rows 2 and 3 and never reached SQS
      const { acme, publisher, run, clock } = setup({ leaseSeconds: 600, reapGraceSeconds: 1_800 });
      for (let index = 1; index <= 3; index += 1) acme.insert({ toId: `1555000000${index}`, message: textMessage(`m${index}`) });
      publisher.partialFailure = { queued: 1, ambiguous: 2, ambiguousLanded: false };
      const firstRun = await run();
      const queuedAfterFirstRun = publisher.published.map(({ message }) => message.deduplicationId);

      // Act: the next run after the lease and the grace have passed (no send result came for any row: there is no sender here)
      clock.advance((600 + 1_800 + 1) * 1000);
      const secondRun = await run();

      // Assert
      expect(firstRun).toMatchObject({ queued: 1, ambiguous: 2, released: 0, stoppedBy: 'publish-ambiguous' });
      expect(queuedAfterFirstRun).toEqual(['outbound:acme:1:1']);
      expect(secondRun.reaped).toBe(3);
      expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual([
        'outbound:acme:1:1',
        'outbound:acme:1:2',
        'outbound:acme:2:2',
        'outbound:acme:3:2',
      ]);
    });

    it('releases nothing when the publish fails without saying which messages it queued', async () => {
      // Prepare
      const { acme, publisher, run, lines } = setup();
      acme.insert({ toId: ALICE, message: textMessage('one') });
      acme.insert({ toId: BOB, message: textMessage('two') });
      publisher.opaqueFailure = new Error('unexpected');

      // Act
      const summary = await run();

      // Assert
      expect(publisher.calls).toEqual([2]);
      expect(acme.rows.map((row) => [row.status, row.attempts])).toEqual([
        ['queued', 1],
        ['queued', 1],
      ]);
      expect(summary).toMatchObject({ queued: 0, ambiguous: 2, released: 0 });
      expect(lines.find((line) => line.msg === 'outbound publish failed; only rows not on the queue released')).toMatchObject({ ambiguous: 2, code: 'UNEXPECTED' });
    });
  });

  describe('polling', () => {
    it('pauses idleMinMs after an empty lease, doubling up to idleMaxMs, and never past the deadline', async () => {
      const { run, clock } = setup();

      const summary = await run('acme', 10_000);

      expect(clock.pauses).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000, 900]);
      expect(summary.polls).toBe(9);
    });

    it('starts again from idleMinMs once rows come', async () => {
      // Prepare: a row arrives during the third pause
      const { acme, run, clock } = setup();
      clock.onPause = (pause) => {
        if (pause === 3) acme.insert({ toId: ALICE, message: textMessage('arrived') });
      };

      // Act
      await run();

      // Assert
      expect(clock.pauses.slice(0, 6)).toEqual([100, 200, 400, 100, 200, 400]);
      expect(acme.rows[0]?.status).toBe('queued');
    });

    it('leases again at once, without pausing, while leases bring rows', async () => {
      // Prepare
      const { acme, publisher, run, clock } = setup({ batchSize: 100 });
      for (let index = 0; index < 250; index += 1) acme.insert({ toId: `1555000${index}`, message: textMessage(`m${index}`) });
      let leasesBeforeFirstPause = 0;
      clock.onPause = (pause) => {
        if (pause === 1) leasesBeforeFirstPause = acme.calls.filter((call) => call === 'leaseDueMessages').length;
      };

      // Act
      await run();

      // Assert
      expect(publisher.calls).toEqual([100, 100, 50]);
      expect(leasesBeforeFirstPause).toBe(4);
    });

    it('stops leasing at the deadline even while rows keep coming', async () => {
      // Prepare: each enqueue takes 4 s of the 10 s run
      const { acme, publisher, run, clock } = setup({ batchSize: 100 });
      for (let index = 0; index < 1_000; index += 1) acme.insert({ toId: ALICE, message: textMessage(`m${index}`) });
      publisher.onPublish = () => clock.advance(4_000);

      // Act
      const summary = await run('acme', 10_000);

      // Assert
      expect(summary).toMatchObject({ polls: 3, leased: 300, queued: 300, stoppedBy: 'deadline' });
      expect(acme.rows.filter((row) => row.status === 'pending' && row.attempts === 0)).toHaveLength(700);
      expect(clock.pauses).toEqual([]);
    });
  });

  describe('reaping', () => {
    it('reaps queued leases that ended more than the grace ago, once, before leasing: requeued rows go out under a new attempt, exhausted ones fail', async () => {
      // Prepare
      const { acme, publisher, run, clock } = setup({ maxAttempts: 5, reapGraceSeconds: 1_800 });
      const now = clock.now().getTime();
      const pastGrace = new Date(now - 1_800_000 - 1);
      const withinGrace = new Date(now - 1_800_000 + 1);
      const live = new Date(now + 60_000);
      acme.insert({ toId: ALICE, message: textMessage('lost once') });
      acme.insert({ toId: BOB, message: textMessage('lost five times') });
      acme.insert({ toId: ALICE, channelId: WHAPI_CHANNEL, message: textMessage('still with the sender') });
      acme.insert({ toId: BOB, channelId: WHAPI_CHANNEL, message: textMessage('send result still on its way') });
      Object.assign(acme.row('1'), { status: 'queued', attempts: 1, reservedUntil: pastGrace });
      Object.assign(acme.row('2'), { status: 'queued', attempts: 5, reservedUntil: pastGrace });
      Object.assign(acme.row('3'), { status: 'queued', attempts: 1, reservedUntil: live });
      Object.assign(acme.row('4'), { status: 'queued', attempts: 1, reservedUntil: withinGrace });

      // Act
      const summary = await run();

      // Assert
      expect(acme.reapCalls).toEqual([{ now: new Date(now), expiredBefore: new Date(now - 1_800_000), maxAttempts: 5 }]);
      expect(acme.calls[0]).toBe('reapExpiredLeases');
      expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual(['outbound:acme:1:2']);
      expect(acme.rows.map((row) => [row.status, row.attempts, row.errorCode])).toEqual([
        ['queued', 2, null],
        ['failed', 5, 'SEND_ATTEMPTS_EXHAUSTED'],
        ['queued', 1, null],
        ['queued', 1, null],
      ]);
      expect(summary.reaped).toBe(2);
    });
  });

  describe('failures', () => {
    it('ends the run with a logged error, without throwing, when the tenant database cannot be reached', async () => {
      // Prepare
      const { stores, run, lines, clock } = setup();
      stores.unreachable.add('acme');

      // Act
      const summary = await run();

      // Assert
      expect(summary).toEqual({ leased: 0, queued: 0, ambiguous: 0, failed: 0, released: 0, leftLeased: 0, reaped: 0, polls: 0, stoppedBy: 'error' });
      expect(lines.find((line) => line.msg === 'tenant collect run failed')).toMatchObject({ level: 50, tenantId: 'acme', code: 'TENANT_DB_UNAVAILABLE' });
      expect(clock.pauses).toEqual([]);
    });

    it('ends the run when the tenant database goes away mid-run, keeping what was done', async () => {
      // Prepare
      const { acme, run, clock } = setup();
      acme.insert({ toId: ALICE, message: textMessage('sent before the outage') });
      clock.onPause = () => {
        acme.unavailable = true;
      };

      // Act
      const summary = await run();

      // Assert
      expect(summary).toMatchObject({ queued: 1, polls: 2, stoppedBy: 'error' });
      expect(clock.pauses).toEqual([100]);
    });

    it("collects another tenant while one tenant's database is down", async () => {
      // Prepare
      const { stores, publisher, run } = setup();
      stores.unreachable.add('acme');
      stores.store('globex').insert({ toId: BOB, message: textMessage('hello') });

      // Act
      const [acme, globex] = await Promise.all([run('acme'), run('globex')]);

      // Assert
      expect(acme.stoppedBy).toBe('error');
      expect(globex).toMatchObject({ queued: 1, stoppedBy: 'deadline' });
      expect(publisher.bodies()).toEqual([expect.objectContaining({ tenantId: 'globex', provider: 'whapi', channelId: 'GLOBEX-WHAPI' })]);
    });

    it('collects nothing for a tenant the broker does not know', async () => {
      const { run, lines, acme } = setup();

      const summary = await run('initech');

      expect(summary.stoppedBy).toBe('unknown-tenant');
      expect(acme.calls).toEqual([]);
      expect(lines.find((line) => line.msg === 'no such tenant; nothing collected')).toMatchObject({ tenantId: 'initech' });
    });

    it('ends the run with a logged error when the broker cannot be asked', async () => {
      const { run, lines, credentials } = setup();
      credentials.unavailable = true;

      const summary = await run();

      expect(summary.stoppedBy).toBe('error');
      expect(lines.find((line) => line.msg === 'tenant collect run failed')).toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE' });
    });
  });

  it('logs an idle run only at debug, a run that moved rows at info', async () => {
    const idle = setup();
    await idle.run();
    const busy = setup();
    busy.acme.insert({ toId: ALICE, message: textMessage('hi') });
    await busy.run();

    const levelOf = (lines: Record<string, unknown>[]) => lines.find((line) => line.msg === 'tenant collect run ended')?.level;
    expect(levelOf(idle.lines)).toBe(20);
    expect(levelOf(busy.lines)).toBe(30);
  });

  it('logs one summary line per run, never the message text', async () => {
    const { acme, run, lines } = setup();
    acme.insert({ toId: ALICE, message: textMessage('a private note about the order') });

    await run();

    expect(lines.filter((line) => line.msg === 'tenant collect run ended')).toEqual([
      expect.objectContaining({ tenantId: 'acme', leased: 1, queued: 1, failed: 0, released: 0, reaped: 0, stoppedBy: 'deadline' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('a private note');
  });
});
