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
      expect(summary).toMatchObject({ leased: 4, queued: 2, released: 2, failed: 0 });
      expect(lines.find((line) => line.msg === 'outbound rows not queued; leases released')).toMatchObject({
        tenantId: 'acme',
        rows: 2,
        code: 'QUEUE_PUBLISH_FAILED',
      });
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
    it('reaps expired queued leases once, before leasing: requeued rows go out under a new attempt, exhausted ones fail', async () => {
      // Prepare
      const { acme, publisher, run, clock } = setup({ maxAttempts: 5 });
      const expired = new Date(clock.now().getTime() - 1);
      const live = new Date(clock.now().getTime() + 60_000);
      acme.insert({ toId: ALICE, message: textMessage('lost once') });
      acme.insert({ toId: BOB, message: textMessage('lost five times') });
      acme.insert({ toId: ALICE, channelId: WHAPI_CHANNEL, message: textMessage('still with the sender') });
      Object.assign(acme.row('1'), { status: 'queued', attempts: 1, reservedUntil: expired });
      Object.assign(acme.row('2'), { status: 'queued', attempts: 5, reservedUntil: expired });
      Object.assign(acme.row('3'), { status: 'queued', attempts: 1, reservedUntil: live });

      // Act
      const summary = await run();

      // Assert
      expect(acme.calls.filter((call) => call === 'reapExpiredLeases')).toHaveLength(1);
      expect(acme.calls[0]).toBe('reapExpiredLeases');
      expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual(['outbound:acme:1:2']);
      expect(acme.rows.map((row) => [row.status, row.attempts, row.errorCode])).toEqual([
        ['queued', 2, null],
        ['failed', 5, 'SEND_ATTEMPTS_EXHAUSTED'],
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
      expect(summary).toEqual({ leased: 0, queued: 0, failed: 0, released: 0, reaped: 0, polls: 0, stoppedBy: 'error' });
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
