import { TenantDatabaseUnavailableError } from '@wagw/core';
import { createTenantStore } from '../../src/create-tenant-store';
import { TenantRowInvalidError } from '../../src/errors';
import type { TenantStore } from '../../src/tenant-store';
import { describeTarget, dialectTargets, type TargetDatabase } from '../support/dialect-targets';
import { aFailedResult, aNewOutboundMessage, aSentResult, at, CHANNEL, LEASE_SECONDS, queueOnlyDueRow } from '../support/outbound-builders';

jest.setTimeout(120_000);

const lease = (store: TenantStore, seconds: number, limit = 100, leaseSeconds = LEASE_SECONDS) =>
  store.leaseDueMessages({ limit, now: at(seconds), leaseSeconds });

/** `count` rows, each to its own recipient: each row is a conversation of its own. */
const insertRows = async (store: TenantStore, count: number, recipientPrefix = '1555000'): Promise<string[]> => {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) ids.push(await store.insertOutboundMessage(aNewOutboundMessage({ toId: `${recipientPrefix}${index}` })));
  return ids;
};

for (const target of dialectTargets) {
  describeTarget(target, 'outbound contract', () => {
    let database: TargetDatabase;
    let store: TenantStore;

    beforeAll(async () => {
      database = await target.create();
      store = await createTenantStore(database.settings, { tenantId: 'tenant-outbound' });
      await store.migrate();
    });

    beforeEach(async () => {
      await database.clearOutboundTables();
    });

    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    describe('a tenant insert', () => {
      it('starts a row pending with no attempt, every gateway column empty', async () => {
        // Prepare
        const row = aNewOutboundMessage({ channelId: CHANNEL, toId: '5511999998888@s.whatsapp.net', notBefore: at(30) });

        // Act
        const id = await store.insertOutboundMessage(row);

        // Assert
        expect(await store.findOutboundMessage(id)).toEqual({
          id,
          channelId: CHANNEL,
          toId: '5511999998888@s.whatsapp.net',
          message: row.message,
          notBefore: at(30),
          status: 'pending',
          attempts: 0,
          reservedUntil: null,
          provider: null,
          providerMessageId: null,
          errorCode: null,
          errorMessage: null,
          createdAt: expect.any(Date),
          queuedAt: null,
          sentAt: null,
          deliveredAt: null,
          readAt: null,
          failedAt: null,
          updatedAt: expect.any(Date),
        });
      });

      it('keeps a message that is not JSON as written, for the collector to report', async () => {
        // Act
        const id = await store.insertOutboundMessage(aNewOutboundMessage({ message: '{"type":"text", oops' }));

        // Assert
        expect((await store.findOutboundMessage(id))?.message).toBe('{"type":"text", oops');
      });

      it('lists rows oldest first, after an id and up to a limit', async () => {
        // Prepare
        const ids = await insertRows(store, 4);

        // Act
        const all = await store.listOutboundMessages();
        const page = await store.listOutboundMessages({ afterId: ids[0], limit: 2 });

        // Assert
        expect(all.map((row) => row.id)).toEqual(ids);
        expect(page.map((row) => row.id)).toEqual(ids.slice(1, 3));
      });

      it('finds nothing for an id no row has', async () => {
        expect(await store.findOutboundMessage('9223372036854775807')).toBeUndefined();
      });

      it('refuses an id that is not a BIGINT, as a permanent error', async () => {
        await expect(store.findOutboundMessage('12; DROP TABLE x')).rejects.toBeInstanceOf(TenantRowInvalidError);
      });
    });

    describe('leaseDueMessages', () => {
      it('leases the oldest due rows up to the limit and counts the attempt', async () => {
        // Prepare
        const ids = await insertRows(store, 3);

        // Act
        const leased = await lease(store, 0, 2);

        // Assert
        expect(leased).toEqual([
          {
            id: ids[0],
            channelId: null,
            toId: '15550000',
            message: aNewOutboundMessage().message,
            attempt: 1,
            reservedUntil: at(LEASE_SECONDS),
            createdAt: expect.any(Date),
          },
          expect.objectContaining({ id: ids[1], toId: '15550001', attempt: 1 }),
        ]);
        expect(await store.findOutboundMessage(ids[0] as string)).toMatchObject({
          status: 'pending',
          attempts: 1,
          reservedUntil: at(LEASE_SECONDS),
          updatedAt: at(0),
        });
        expect(await store.findOutboundMessage(ids[2] as string)).toMatchObject({ attempts: 0, reservedUntil: null });
      });

      it('returns the rows in id order even when more than one page of them is due', async () => {
        // Prepare
        const ids = await insertRows(store, 25);

        // Act
        const leased = await lease(store, 0, 25);

        // Assert
        expect(leased.map((row) => row.id)).toEqual(ids);
      });

      it('waits for not_before, and takes the row at that instant', async () => {
        // Prepare
        const id = await store.insertOutboundMessage(aNewOutboundMessage({ notBefore: at(10) }));

        // Act
        const early = await lease(store, 9.999);
        const onTime = await lease(store, 10);

        // Assert
        expect(early).toEqual([]);
        expect(onTime.map((row) => row.id)).toEqual([id]);
      });

      it('skips a row under a live lease, and takes it again under the next attempt once the lease expired', async () => {
        // Prepare
        const [id] = await insertRows(store, 1);
        await lease(store, 0);

        // Act
        const whileHeld = await lease(store, LEASE_SECONDS - 1);
        const atExpiry = await lease(store, LEASE_SECONDS);
        const afterExpiry = await lease(store, LEASE_SECONDS + 0.001);

        // Assert
        expect(whileHeld).toEqual([]);
        expect(atExpiry).toEqual([]);
        expect(afterExpiry).toEqual([expect.objectContaining({ id, attempt: 2, reservedUntil: at(LEASE_SECONDS * 2 + 0.001) })]);
      });

      it('never leases a row that left pending', async () => {
        // Prepare
        const [queued, failed] = await insertRows(store, 2);
        await lease(store, 0);
        await store.markQueued([{ id: queued as string, attempt: 1 }], at(0));
        await store.failOutboundMessage({ id: failed as string, attempt: 1 }, { code: 'INVALID_MESSAGE', message: 'bad' }, at(0));

        // Act
        const leased = await lease(store, LEASE_SECONDS * 10);

        // Assert
        expect(leased).toEqual([]);
      });

      it('returns nothing when no row is due', async () => {
        expect(await lease(store, 0)).toEqual([]);
      });

      it('never gives one row to two collectors racing on the table', async () => {
        // Prepare: two more stores (pools) on the same database, as two collector containers have.
        const ids = await insertRows(store, 120);
        const collectors = [store, await createTenantStore(database.settings), await createTenantStore(database.settings)];

        try {
          // Act: 20 leases at once, then whatever they skipped, one lease after another.
          const racing = await Promise.all(Array.from({ length: 20 }, (_, index) => lease(collectors[index % collectors.length] as TenantStore, 0, 10)));
          const drained = [];
          for (let next = await lease(store, 0, 50); next.length > 0; next = await lease(store, 0, 50)) drained.push(next);

          // Assert: every row was leased exactly once, each batch oldest first.
          const leasedIds = [...racing, ...drained].flat().map((row) => row.id);
          expect([...leasedIds].sort()).toEqual([...ids].sort());
          for (const batch of racing) expect(batch.map((row) => row.id)).toEqual(ids.filter((id) => batch.some((row) => row.id === id)));
          const rows = await store.listOutboundMessages();
          expect(new Set(rows.map((row) => row.attempts))).toEqual(new Set([1]));
        } finally {
          await Promise.all(collectors.slice(1).map((collector) => collector.close()));
        }
      });
    });

    describe('leaseDueMessages: one conversation at a time, in id order', () => {
      const X = '15550000001';
      const Y = '15550000002';
      const insert = (toId: string, channelId: string | null = null) => store.insertOutboundMessage(aNewOutboundMessage({ toId, channelId }));
      const idsOf = (rows: { id: string }[]) => rows.map((row) => row.id);

      it('holds a row back while an older row of its conversation is leased, and gives the other conversations theirs', async () => {
        // Prepare: r1 of X leased (being published)
        await insert(X);
        await lease(store, 0);
        const r2 = await insert(X);
        const r3 = await insert(Y);

        // Act
        const whileLeased = await lease(store, 1);

        // Assert
        expect(idsOf(whileLeased)).toEqual([r3]);
        expect(await store.findOutboundMessage(r2)).toMatchObject({ status: 'pending', attempts: 0, reservedUntil: null });
      });

      it.each([
        ['sent', (ref: { id: string; attempt: number }) => store.applySendResult(aSentResult(ref, { at: at(3), now: at(3) }))],
        ['failed', (ref: { id: string; attempt: number }) => store.applySendResult(aFailedResult(ref, { at: at(3), now: at(3) }))],
      ])('holds it back while the older row is queued, and lets it go once that row is %s', async (_status, settle) => {
        // Prepare
        const r1 = await insert(X);
        await lease(store, 0);
        const r2 = await insert(X);
        await store.markQueued([{ id: r1, attempt: 1 }], at(1));

        // Act
        const whileQueued = await lease(store, 2);
        await settle({ id: r1, attempt: 1 });
        const afterResult = await lease(store, 4);

        // Assert
        expect(whileQueued).toEqual([]);
        expect(idsOf(afterResult)).toEqual([r2]);
      });

      it('lets the younger row go once the collector failed the older one as invalid', async () => {
        // Prepare
        const r1 = await insert(X);
        await lease(store, 0);
        const r2 = await insert(X);

        // Act
        await store.failOutboundMessage({ id: r1, attempt: 1 }, { code: 'INVALID_MESSAGE', message: 'message is not valid JSON' }, at(1));
        const next = await lease(store, 2);

        // Assert
        expect(idsOf(next)).toEqual([r2]);
      });

      it('gives back the older row and then the younger, in order, once the older lease expired unpublished', async () => {
        // Prepare
        const r1 = await insert(X);
        await lease(store, 0);
        const r2 = await insert(X);

        // Act
        const beforeExpiry = await lease(store, LEASE_SECONDS);
        const afterExpiry = await lease(store, LEASE_SECONDS + 1);

        // Assert
        expect(beforeExpiry).toEqual([]);
        expect(afterExpiry).toEqual([expect.objectContaining({ id: r1, attempt: 2 }), expect.objectContaining({ id: r2, attempt: 1 })]);
      });

      it('keeps holding the younger row while the older is queued past its lease, until the reaper requeues it', async () => {
        // Prepare
        const r1 = await insert(X);
        await lease(store, 0);
        await store.markQueued([{ id: r1, attempt: 1 }], at(0));
        const r2 = await insert(X);

        // Act
        const queuedPastLease = await lease(store, LEASE_SECONDS + 1);
        await store.reapExpiredLeases({ now: at(LEASE_SECONDS + 2), expiredBefore: at(LEASE_SECONDS + 2), maxAttempts: 5 });
        const afterReap = await lease(store, LEASE_SECONDS + 3);

        // Assert
        expect(queuedPastLease).toEqual([]);
        expect(idsOf(afterReap)).toEqual([r1, r2]);
      });

      it('takes every due row of a conversation in one lease, oldest first', async () => {
        // Prepare
        const ids = [await insert(X), await insert(Y), await insert(X), await insert(X)];

        // Act
        const leased = await lease(store, 0);

        // Assert
        expect(idsOf(leased)).toEqual(ids);
      });

      it('holds the rest of a conversation back when the limit cut it', async () => {
        // Prepare
        const [r1] = [await insert(X), await insert(X)];

        // Act
        const first = await lease(store, 0, 1);
        const second = await lease(store, 1);

        // Assert
        expect(idsOf(first)).toEqual([r1]);
        expect(second).toEqual([]);
      });

      it('tells conversations apart by recipient and channel, NULL being the default channel', async () => {
        // Prepare: r1 to X on the default channel, leased
        await insert(X, null);
        await lease(store, 0);
        const sameDefault = await insert(X, null);
        const pinnedChannel = await insert(X, CHANNEL);
        const otherRecipient = await insert(Y, null);

        // Act
        const leased = await lease(store, 1);

        // Assert
        expect(idsOf(leased)).toEqual([pinnedChannel, otherRecipient]);
        expect((await store.findOutboundMessage(sameDefault))?.reservedUntil).toBeNull();
      });

      it('lets a younger row go ahead of an older one that is not due yet (not_before): only rows in flight hold a conversation', async () => {
        // Prepare
        await store.insertOutboundMessage(aNewOutboundMessage({ toId: X, notBefore: at(30) }));
        const now = await insert(X);

        // Act
        const leased = await lease(store, 0);

        // Assert
        expect(idsOf(leased)).toEqual([now]);
      });
    });

    describe('markQueued', () => {
      it('moves held rows to queued, and leaves a row held under another attempt alone', async () => {
        // Prepare
        const [first, second] = await insertRows(store, 2);
        await lease(store, 0);

        // Act
        await store.markQueued(
          [
            { id: first as string, attempt: 1 },
            { id: second as string, attempt: 2 },
          ],
          at(1),
        );

        // Assert
        expect(await store.findOutboundMessage(first as string)).toMatchObject({ status: 'queued', queuedAt: at(1), updatedAt: at(1), attempts: 1 });
        expect(await store.findOutboundMessage(second as string)).toMatchObject({ status: 'pending', queuedAt: null });
      });

      it('does not queue a row another collector leased again after the lease expired', async () => {
        // Prepare
        const [id] = await insertRows(store, 1);
        await lease(store, 0);
        await lease(store, LEASE_SECONDS + 1);

        // Act
        await store.markQueued([{ id: id as string, attempt: 1 }], at(LEASE_SECONDS + 2));

        // Assert
        expect(await store.findOutboundMessage(id as string)).toMatchObject({ status: 'pending', attempts: 2 });
      });

      it('accepts an empty list', async () => {
        await expect(store.markQueued([], at(0))).resolves.toBeUndefined();
      });
    });

    describe('releaseLeases', () => {
      it('gives the attempt back, so the next lease takes the row under the same attempt', async () => {
        // Prepare
        const [id] = await insertRows(store, 1);
        await lease(store, 0);

        // Act
        await store.releaseLeases([{ id: id as string, attempt: 1 }], at(1));
        const released = await store.findOutboundMessage(id as string);
        const again = await lease(store, 2);

        // Assert
        expect(released).toMatchObject({ status: 'pending', attempts: 0, reservedUntil: null, updatedAt: at(1) });
        expect(again).toEqual([expect.objectContaining({ id, attempt: 1 })]);
      });

      it('leaves a queued row and a row held under another attempt alone', async () => {
        // Prepare
        const [queued, other] = await insertRows(store, 2);
        await lease(store, 0);
        await store.markQueued([{ id: queued as string, attempt: 1 }], at(0));

        // Act
        await store.releaseLeases(
          [
            { id: queued as string, attempt: 1 },
            { id: other as string, attempt: 7 },
          ],
          at(1),
        );

        // Assert
        expect(await store.findOutboundMessage(queued as string)).toMatchObject({ status: 'queued', attempts: 1, reservedUntil: at(LEASE_SECONDS) });
        expect(await store.findOutboundMessage(other as string)).toMatchObject({ status: 'pending', attempts: 1, reservedUntil: at(LEASE_SECONDS) });
      });
    });

    describe('failOutboundMessage', () => {
      it('fails a held row with its reason, and the rows behind it stay due', async () => {
        // Prepare
        const [bad, good] = await insertRows(store, 2);
        await lease(store, 0);

        // Act
        await store.failOutboundMessage({ id: bad as string, attempt: 1 }, { code: 'INVALID_MESSAGE', message: 'message is not valid JSON' }, at(1));
        await store.releaseLeases([{ id: good as string, attempt: 1 }], at(1));
        const next = await lease(store, 2);

        // Assert
        expect(await store.findOutboundMessage(bad as string)).toMatchObject({
          status: 'failed',
          errorCode: 'INVALID_MESSAGE',
          errorMessage: 'message is not valid JSON',
          failedAt: at(1),
          reservedUntil: null,
          updatedAt: at(1),
        });
        expect(next.map((row) => row.id)).toEqual([good]);
      });

      it('leaves a row alone that another attempt holds', async () => {
        // Prepare
        const [id] = await insertRows(store, 1);
        await lease(store, 0);
        await lease(store, LEASE_SECONDS + 1);

        // Act
        await store.failOutboundMessage({ id: id as string, attempt: 1 }, { code: 'UNKNOWN_CHANNEL', message: 'late' }, at(LEASE_SECONDS + 2));

        // Assert
        expect(await store.findOutboundMessage(id as string)).toMatchObject({ status: 'pending', errorCode: null });
      });
    });

    describe('reapExpiredLeases', () => {
      it('requeues an expired queued row, fails one out of attempts, and leaves live and pending leases alone', async () => {
        // Prepare (maxAttempts 2; leases of 60 s), each row to its own recipient:
        // exhausted: queued at 0 s, reaped at 61 s, queued again at 61 s (attempt 2, lease until 121 s)
        await insertRows(store, 1, 'reaped-1');
        const exhausted = await queueOnlyDueRow(store, 0);
        await store.reapExpiredLeases({ now: at(61), expiredBefore: at(61), maxAttempts: 2 });
        await queueOnlyDueRow(store, 61);
        // expired: queued at 62 s (attempt 1, lease until 122 s)
        await insertRows(store, 1, 'reaped-2');
        const expired = await queueOnlyDueRow(store, 62);
        // live: queued at 200 s with a 600 s lease
        await insertRows(store, 1, 'reaped-3');
        const live = await queueOnlyDueRow(store, 200, 600);
        // pendingLease: leased at 230 s (lease until 290 s), never queued: the lease query takes it again
        const [pendingLease] = await insertRows(store, 1, 'reaped-4');
        await lease(store, 230);

        // Act
        const result = await store.reapExpiredLeases({ now: at(300), expiredBefore: at(300), maxAttempts: 2 });

        // Assert
        expect(result).toEqual({ requeued: 1, failed: 1 });
        expect(await store.findOutboundMessage(expired.id)).toMatchObject({ status: 'pending', attempts: 1, reservedUntil: null, updatedAt: at(300) });
        expect(await store.findOutboundMessage(exhausted.id)).toMatchObject({
          status: 'failed',
          attempts: 2,
          reservedUntil: null,
          errorCode: 'SEND_ATTEMPTS_EXHAUSTED',
          errorMessage: expect.stringContaining('2 attempts'),
          failedAt: at(300),
        });
        expect(await store.findOutboundMessage(live.id)).toMatchObject({ status: 'queued', reservedUntil: at(800) });
        expect(await store.findOutboundMessage(pendingLease as string)).toMatchObject({ status: 'pending', attempts: 1, reservedUntil: at(290) });
      });

      it('lets the next lease take a requeued row under a new attempt', async () => {
        // Prepare
        await insertRows(store, 1);
        const first = await queueOnlyDueRow(store, 0);
        await store.reapExpiredLeases({ now: at(LEASE_SECONDS + 1), expiredBefore: at(LEASE_SECONDS + 1), maxAttempts: 5 });

        // Act
        const again = await lease(store, LEASE_SECONDS + 1);

        // Assert
        expect(again).toEqual([expect.objectContaining({ id: first.id, attempt: 2 })]);
      });

      it('gives a lease that ended within the grace period time for its send result: only leases that ended before expiredBefore are reaped', async () => {
        // Prepare: queued at 0 s, lease until 60 s; the reaper runs at 100 s
        await insertRows(store, 1);
        const row = await queueOnlyDueRow(store, 0);

        // Act
        const withinGrace = await store.reapExpiredLeases({ now: at(100), expiredBefore: at(LEASE_SECONDS), maxAttempts: 1 });
        const afterGrace = await store.reapExpiredLeases({ now: at(100), expiredBefore: at(LEASE_SECONDS + 0.001), maxAttempts: 1 });

        // Assert: the times written are now's, not expiredBefore's
        expect(withinGrace).toEqual({ requeued: 0, failed: 0 });
        expect(afterGrace).toEqual({ requeued: 0, failed: 1 });
        expect(await store.findOutboundMessage(row.id)).toMatchObject({
          status: 'failed',
          errorCode: 'SEND_ATTEMPTS_EXHAUSTED',
          failedAt: at(100),
          updatedAt: at(100),
        });
      });

      it('reaps nothing while every lease is live', async () => {
        // Prepare
        await insertRows(store, 1);
        await queueOnlyDueRow(store, 0);

        // Act
        const result = await store.reapExpiredLeases({ now: at(LEASE_SECONDS), expiredBefore: at(LEASE_SECONDS), maxAttempts: 1 });

        // Assert
        expect(result).toEqual({ requeued: 0, failed: 0 });
      });
    });

    describe('an unavailable database', () => {
      it('gives a retryable TenantDatabaseUnavailableError from the collector port too', async () => {
        // Prepare
        const down = await target.unavailableDatabase();

        try {
          // Act
          const attempt = createTenantStore(down.settings, { tenantId: 'tenant-down' }).then(async (unreachable) => {
            try {
              return await lease(unreachable, 0);
            } finally {
              await unreachable.close();
            }
          });

          // Assert
          await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
        } finally {
          await down.cleanup();
        }
      });
    });
  });
}
