import type { OutboundStatus } from '@wagw/contracts';
import fc from 'fast-check';
import { createTenantStore } from '../../src/create-tenant-store';
import { TenantRowInvalidError } from '../../src/errors';
import type { OutboundMessageRecord, TenantStore } from '../../src/tenant-store';
import { describeTarget, dialectTargets, type TargetDatabase } from '../support/dialect-targets';
import {
  aClaim,
  aFailedResult,
  aNewOutboundMessage,
  aReceipt,
  aSentResult,
  aSentRow,
  aStatusEvent,
  at,
  aWamid,
  CHANNEL,
  LEASE_SECONDS,
  queueOnlyDueRow,
  RECEIPT_SECONDS,
} from '../support/outbound-builders';

jest.setTimeout(180_000);

type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed';
const RECEIPTS: readonly ReceiptStatus[] = ['sent', 'delivered', 'read', 'failed'];

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

/** The end state a sent row must reach once each of the four receipts was applied (first occurrences decide). */
const expectedAfterAllReceipts = (order: readonly ReceiptStatus[]): Partial<OutboundMessageRecord> => ({
  status: 'read',
  sentAt: at(100),
  // A delivered receipt after read changes nothing; read then stands in for the delivery time.
  deliveredAt: order.indexOf('delivered') < order.indexOf('read') ? at(RECEIPT_SECONDS.delivered) : at(RECEIPT_SECONDS.read),
  readAt: at(RECEIPT_SECONDS.read),
  failedAt: null,
  errorCode: null,
  errorMessage: null,
});

const stateOf = (row: OutboundMessageRecord | undefined): Partial<OutboundMessageRecord> => ({
  status: row?.status,
  sentAt: row?.sentAt,
  deliveredAt: row?.deliveredAt,
  readAt: row?.readAt,
  failedAt: row?.failedAt,
  errorCode: row?.errorCode,
  errorMessage: row?.errorMessage,
});

for (const target of dialectTargets) {
  describeTarget(target, 'status contract', () => {
    let database: TargetDatabase;
    let store: TenantStore;

    beforeAll(async () => {
      database = await target.create();
      store = await createTenantStore(database.settings, { tenantId: 'tenant-status' });
      await store.migrate();
    });

    beforeEach(async () => {
      await database.clearOutboundTables();
    });

    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    /** A row leased and queued under attempt 1 at 90 s. */
    const aQueuedRow = async (channelId: string | null = null) => {
      await store.insertOutboundMessage(aNewOutboundMessage({ channelId }));
      return queueOnlyDueRow(store, 90);
    };

    /** A row queued at 90 s whose only attempt's lease expired without a result: the reaper failed it at 300 s. */
    const anExhaustedRow = async () => {
      const ref = await aQueuedRow();
      const reaped = await store.reapExpiredLeases({ now: at(300), expiredBefore: at(300), maxAttempts: 1 });
      if (reaped.failed !== 1) throw new Error('the reaper did not fail the row');
      return ref;
    };

    describe('applySendResult', () => {
      it('records an accepted send on the row: sent, provider, wamid, sent_at and the channel used', async () => {
        // Prepare
        const ref = await aQueuedRow();
        const result = aSentResult(ref, { providerMessageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA' });

        // Act
        const outcome = await store.applySendResult(result);

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({
          status: 'sent',
          provider: 'meta',
          channelId: CHANNEL,
          providerMessageId: 'wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
          sentAt: at(100),
          reservedUntil: null,
          errorCode: null,
          updatedAt: at(101),
        });
      });

      it("keeps the channel the tenant chose", async () => {
        // Prepare
        const ref = await aQueuedRow('MANTIS-7QX2B');

        // Act
        await store.applySendResult(aSentResult(ref, { provider: 'whapi', channelId: 'OTHER-CHANNEL' }));

        // Assert
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({ provider: 'whapi', channelId: 'MANTIS-7QX2B' });
      });

      it('records a refused send as failed with the provider code and reason', async () => {
        // Prepare
        const ref = await aQueuedRow();

        // Act
        const outcome = await store.applySendResult(aFailedResult(ref, { code: '131026', message: 'Message undeliverable' }));

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({
          status: 'failed',
          provider: 'meta',
          channelId: CHANNEL,
          providerMessageId: null,
          errorCode: '131026',
          errorMessage: 'Message undeliverable',
          failedAt: at(100),
          reservedUntil: null,
          updatedAt: at(101),
        });
      });

      it('applies a result to a row whose move to queued never landed, filling queued_at with the send time', async () => {
        // Prepare
        const [leased] = await store.insertOutboundMessage(aNewOutboundMessage()).then(() => store.leaseDueMessages({ limit: 1, now: at(90), leaseSeconds: LEASE_SECONDS }));
        const ref = { id: leased?.id as string, attempt: 1 };
        const result = aSentResult(ref);

        // Act
        const outcome = await store.applySendResult(result);

        // Assert
        expect(outcome).toBe('applied');
        const row = await store.findOutboundMessage(ref.id);
        expect(row?.status).toBe('sent');
        expect(row?.queuedAt).toEqual(result.at);
      });

      it('applies an acceptance from another attempt: the provider took the message, whichever attempt sent it', async () => {
        // Prepare: the row is held under attempt 1; attempt 2's acceptance arrives (e.g. a result that outlived a reap)
        const ref = await aQueuedRow();

        // Act
        const outcome = await store.applySendResult(aSentResult({ id: ref.id, attempt: ref.attempt + 1 }, { providerMessageId: 'wamid.OTHER-ATTEMPT' }));

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({ status: 'sent', attempts: ref.attempt, providerMessageId: 'wamid.OTHER-ATTEMPT' });
      });

      it('reports a failure for another attempt as stale and changes nothing: only the attempt that holds the row may fail it', async () => {
        // Prepare
        const ref = await aQueuedRow();
        const before = await store.findOutboundMessage(ref.id);

        // Act
        const outcomes = [
          await store.applySendResult(aFailedResult({ id: ref.id, attempt: ref.attempt + 1 })),
          await store.applySendResult(aFailedResult({ id: ref.id, attempt: ref.attempt + 1 }, { code: 'SEND_OUTCOME_UNKNOWN' })),
        ];

        // Assert
        expect(outcomes).toEqual(['stale', 'stale']);
        expect(await store.findOutboundMessage(ref.id)).toEqual(before);
      });

      it.each(['SEND_ATTEMPTS_EXHAUSTED', 'SEND_OUTCOME_UNKNOWN'])(
        'heals a row the gateway failed only for lack of an answer (%s) when the acceptance arrives late: sent, error cleared',
        async (code) => {
          // Prepare
          const ref = code === 'SEND_ATTEMPTS_EXHAUSTED' ? await anExhaustedRow() : await aQueuedRow();
          if (code === 'SEND_OUTCOME_UNKNOWN') await store.applySendResult(aFailedResult(ref, { code, message: 'no answer within 10000 ms' }));

          // Act
          const outcome = await store.applySendResult(aSentResult(ref, { providerMessageId: 'wamid.LATE', at: at(100), now: at(400) }));

          // Assert
          expect(outcome).toBe('applied');
          expect(await store.findOutboundMessage(ref.id)).toMatchObject({
            status: 'sent',
            providerMessageId: 'wamid.LATE',
            sentAt: at(100),
            errorCode: null,
            errorMessage: null,
            failedAt: null,
            reservedUntil: null,
            updatedAt: at(400),
          });
        },
      );

      it('leaves a row the provider refused alone when an acceptance arrives (a real failure is not healed)', async () => {
        // Prepare
        const ref = await aQueuedRow();
        await store.applySendResult(aFailedResult(ref, { code: '131026' }));
        const before = await store.findOutboundMessage(ref.id);

        // Act
        const outcome = await store.applySendResult(aSentResult(ref));

        // Assert
        expect(outcome).toBe('stale');
        expect(await store.findOutboundMessage(ref.id)).toEqual(before);
      });

      it('leaves a row the reaper gave up on alone when a failure arrives late', async () => {
        // Prepare
        const ref = await anExhaustedRow();
        const before = await store.findOutboundMessage(ref.id);

        // Act
        const outcome = await store.applySendResult(aFailedResult(ref));

        // Assert
        expect(outcome).toBe('stale');
        expect(await store.findOutboundMessage(ref.id)).toEqual(before);
      });

      it('reports a second result for the same attempt as stale', async () => {
        // Prepare
        const ref = await aQueuedRow();
        await store.applySendResult(aSentResult(ref, { providerMessageId: 'wamid.FIRST' }));

        // Act
        const outcomes = [
          await store.applySendResult(aSentResult(ref, { providerMessageId: 'wamid.SECOND' })),
          await store.applySendResult(aFailedResult(ref)),
        ];

        // Assert
        expect(outcomes).toEqual(['stale', 'stale']);
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({ status: 'sent', providerMessageId: 'wamid.FIRST', errorCode: null });
      });
    });

    describe('applyReceipt', () => {
      it('moves a sent row to delivered and then read, filling each time', async () => {
        // Prepare
        const row = await aSentRow(store);

        // Act
        const outcomes = [await store.applyReceipt(aReceipt(row.providerMessageId, 'delivered')), await store.applyReceipt(aReceipt(row.providerMessageId, 'read'))];

        // Assert
        expect(outcomes).toEqual(['applied', 'applied']);
        expect(await store.findOutboundMessage(row.id)).toMatchObject({
          status: 'read',
          sentAt: at(100),
          deliveredAt: at(RECEIPT_SECONDS.delivered),
          readAt: at(RECEIPT_SECONDS.read),
          updatedAt: at(200),
        });
      });

      it('fills delivered_at from a read receipt that came first', async () => {
        // Prepare
        const row = await aSentRow(store);

        // Act
        await store.applyReceipt(aReceipt(row.providerMessageId, 'read'));

        // Assert
        expect(await store.findOutboundMessage(row.id)).toMatchObject({
          status: 'read',
          sentAt: at(100),
          deliveredAt: at(RECEIPT_SECONDS.read),
          readAt: at(RECEIPT_SECONDS.read),
        });
      });

      it('keeps read when a late delivered arrives', async () => {
        // Prepare
        const row = await aSentRow(store);
        await store.applyReceipt(aReceipt(row.providerMessageId, 'read'));

        // Act
        const outcome = await store.applyReceipt(aReceipt(row.providerMessageId, 'delivered'));

        // Assert
        expect(outcome).toBe('unchanged');
        expect(await store.findOutboundMessage(row.id)).toMatchObject({ status: 'read', deliveredAt: at(RECEIPT_SECONDS.read) });
      });

      it('fails a sent row with the receipt error', async () => {
        // Prepare
        const row = await aSentRow(store);

        // Act
        const outcome = await store.applyReceipt(aReceipt(row.providerMessageId, 'failed', { errorCode: '131047', errorMessage: 'Re-engagement message' }));

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findOutboundMessage(row.id)).toMatchObject({
          status: 'failed',
          errorCode: '131047',
          errorMessage: 'Re-engagement message',
          failedAt: at(RECEIPT_SECONDS.failed),
          sentAt: at(100),
        });
      });

      it.each(['delivered', 'read'] as const)('never lets failed override %s', async (status) => {
        // Prepare
        const row = await aSentRow(store);
        await store.applyReceipt(aReceipt(row.providerMessageId, status));

        // Act
        const outcome = await store.applyReceipt(aReceipt(row.providerMessageId, 'failed'));

        // Assert
        expect(outcome).toBe('unchanged');
        expect(await store.findOutboundMessage(row.id)).toMatchObject({ status, errorCode: null, failedAt: null });
      });

      it.each(['delivered', 'read'] as const)('lets %s override failed and clears the error', async (status) => {
        // Prepare
        const row = await aSentRow(store);
        await store.applyReceipt(aReceipt(row.providerMessageId, 'failed'));

        // Act
        const outcome = await store.applyReceipt(aReceipt(row.providerMessageId, status));

        // Assert
        expect(outcome).toBe('applied');
        expect(await store.findOutboundMessage(row.id)).toMatchObject({ status, errorCode: null, errorMessage: null, failedAt: null });
      });

      it('reports the same status again as unchanged', async () => {
        // Prepare
        const row = await aSentRow(store);
        await store.applyReceipt(aReceipt(row.providerMessageId, 'delivered'));

        // Act
        const outcomes = [await store.applyReceipt(aReceipt(row.providerMessageId, 'delivered', { occurredAt: at(150) })), await store.applyReceipt(aReceipt(row.providerMessageId, 'sent'))];

        // Assert
        expect(outcomes).toEqual(['unchanged', 'unchanged']);
        expect(await store.findOutboundMessage(row.id)).toMatchObject({ status: 'delivered', deliveredAt: at(RECEIPT_SECONDS.delivered) });
      });

      it('reports a wamid no row carries as no-row', async () => {
        expect(await store.applyReceipt(aReceipt(aWamid(), 'delivered'))).toBe('no-row');
      });

      it('matches the wamid only for its provider, and letter case matters', async () => {
        // Prepare
        const row = await aSentRow(store);

        // Act
        const outcomes = [
          await store.applyReceipt(aReceipt(row.providerMessageId, 'delivered', { provider: 'whapi' })),
          await store.applyReceipt(aReceipt(row.providerMessageId.toUpperCase(), 'delivered')),
        ];

        // Assert
        expect(outcomes).toEqual(['no-row', 'no-row']);
        expect((await store.findOutboundMessage(row.id))?.status).toBe('sent');
      });

      it('ends in the same state for every order of sent, delivered, read and failed', async () => {
        for (const order of permutations(RECEIPTS)) {
          // Prepare
          await database.clearOutboundTables();
          const row = await aSentRow(store);

          // Act
          for (const status of order) await store.applyReceipt(aReceipt(row.providerMessageId, status));

          // Assert
          expect({ order, state: stateOf(await store.findOutboundMessage(row.id)) }).toEqual({ order, state: expectedAfterAllReceipts(order) });
        }
      });

      it('ends in the same state when receipts are also repeated (property)', async () => {
        // Every receipt at least once, in any order, some of them repeated anywhere.
        const receiptsWithRepeats = fc
          .tuple(
            fc.shuffledSubarray([...RECEIPTS], { minLength: RECEIPTS.length }),
            fc.array(fc.tuple(fc.constantFrom(...RECEIPTS), fc.nat({ max: 8 })), { maxLength: 4 }),
          )
          .map(([order, repeats]) => {
            const sequence: ReceiptStatus[] = [...order];
            for (const [status, position] of repeats) sequence.splice(Math.min(position, sequence.length), 0, status);
            return sequence;
          });

        await fc.assert(
          fc.asyncProperty(receiptsWithRepeats, async (sequence) => {
            // Prepare
            await database.clearOutboundTables();
            const row = await aSentRow(store);

            // Act
            for (const status of sequence) await store.applyReceipt(aReceipt(row.providerMessageId, status));

            // Assert
            expect(stateOf(await store.findOutboundMessage(row.id))).toEqual(expectedAfterAllReceipts(sequence));
          }),
          { numRuns: 30, seed: 20251009 },
        );
      });

      it('refuses a status the row cannot have, as a permanent error', async () => {
        // Prepare
        const receipt = aReceipt(aWamid(), 'played' as OutboundStatus);

        // Act
        const attempt = store.applyReceipt(receipt);

        // Assert
        await expect(attempt).rejects.toBeInstanceOf(TenantRowInvalidError);
      });
    });

    describe('claimSentMessage (a receipt whose callback data names the row attempt)', () => {
      /** A queued row whose send result was 'unknown': failed with SEND_OUTCOME_UNKNOWN, no wamid. */
      const anUnknownOutcomeRow = async () => {
        const ref = await aQueuedRow();
        await store.applySendResult(aFailedResult(ref, { code: 'SEND_OUTCOME_UNKNOWN', message: 'no answer within 10000 ms' }));
        return ref;
      };

      it('claims a row whose send outcome was unknown: sent, with the wamid, the error cleared', async () => {
        // Prepare
        const ref = await anUnknownOutcomeRow();
        const wamid = aWamid();

        // Act
        const outcome = await store.claimSentMessage(aClaim(ref, { providerMessageId: wamid }));

        // Assert
        expect(outcome).toBe('claimed');
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({
          status: 'sent',
          attempts: ref.attempt,
          provider: 'meta',
          channelId: CHANNEL,
          providerMessageId: wamid,
          sentAt: at(RECEIPT_SECONDS.sent),
          reservedUntil: null,
          errorCode: null,
          errorMessage: null,
          failedAt: null,
          updatedAt: at(200),
        });
      });

      it("claims a queued row whose send result has not landed, filling the channel it left NULL; the late 'unknown' result is then stale", async () => {
        // Prepare
        const ref = await aQueuedRow(null);
        const wamid = aWamid();

        // Act
        const outcome = await store.claimSentMessage(aClaim(ref, { providerMessageId: wamid }));
        const lateResult = await store.applySendResult(aFailedResult(ref, { code: 'SEND_OUTCOME_UNKNOWN' }));

        // Assert
        expect([outcome, lateResult]).toEqual(['claimed', 'stale']);
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({
          status: 'sent',
          provider: 'meta',
          channelId: CHANNEL,
          providerMessageId: wamid,
          sentAt: at(RECEIPT_SECONDS.sent),
          reservedUntil: null,
          errorCode: null,
        });
      });

      it('lets delivered and read receipts move a claimed row on', async () => {
        // Prepare
        const ref = await anUnknownOutcomeRow();
        const wamid = aWamid();
        await store.claimSentMessage(aClaim(ref, { providerMessageId: wamid }));

        // Act
        const outcomes = [await store.applyReceipt(aReceipt(wamid, 'delivered')), await store.applyReceipt(aReceipt(wamid, 'read'))];

        // Assert
        expect(outcomes).toEqual(['applied', 'applied']);
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({
          status: 'read',
          providerMessageId: wamid,
          sentAt: at(RECEIPT_SECONDS.sent),
          deliveredAt: at(RECEIPT_SECONDS.delivered),
          readAt: at(RECEIPT_SECONDS.read),
          errorCode: null,
          failedAt: null,
        });
      });

      it('claims the row whichever attempt the callback data names: the receipt proves that attempt was accepted', async () => {
        // Prepare: the row is held under attempt 1; the receipt names attempt 2 (or an older one)
        const ref = await aQueuedRow();
        const wamid = aWamid();

        // Act
        const outcomes = [
          await store.claimSentMessage(aClaim({ id: ref.id, attempt: ref.attempt + 1 }, { providerMessageId: wamid })),
          await store.claimSentMessage(aClaim({ id: ref.id, attempt: ref.attempt - 1 })),
        ];

        // Assert: the first claim wins, the second finds a wamid already there
        expect(outcomes).toEqual(['claimed', 'unchanged']);
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({ status: 'sent', attempts: ref.attempt, providerMessageId: wamid });
      });

      it('claims a row the reaper gave up on (SEND_ATTEMPTS_EXHAUSTED): the receipt proves the send went out', async () => {
        // Prepare
        const ref = await anExhaustedRow();
        const wamid = aWamid();

        // Act
        const outcome = await store.claimSentMessage(aClaim(ref, { providerMessageId: wamid }));

        // Assert
        expect(outcome).toBe('claimed');
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({
          status: 'sent',
          providerMessageId: wamid,
          sentAt: at(RECEIPT_SECONDS.sent),
          errorCode: null,
          errorMessage: null,
          failedAt: null,
        });
      });

      it.each(['131026', 'INVALID_MESSAGE'])('leaves a row that really failed (%s) alone', async (code) => {
        // Prepare
        const ref = await aQueuedRow();
        await store.applySendResult(aFailedResult(ref, { code }));
        const before = await store.findOutboundMessage(ref.id);

        // Act
        const outcome = await store.claimSentMessage(aClaim(ref));

        // Assert
        expect(outcome).toBe('unchanged');
        expect(await store.findOutboundMessage(ref.id)).toEqual(before);
      });

      it('leaves a row that already carries a wamid alone, even its own', async () => {
        // Prepare
        const row = await aSentRow(store);
        await store.applyReceipt(aReceipt(row.providerMessageId, 'delivered'));
        const before = await store.findOutboundMessage(row.id);

        // Act
        const outcomes = [
          await store.claimSentMessage(aClaim(row, { providerMessageId: aWamid() })),
          await store.claimSentMessage(aClaim(row, { providerMessageId: row.providerMessageId })),
        ];

        // Assert
        expect(outcomes).toEqual(['unchanged', 'unchanged']);
        expect(await store.findOutboundMessage(row.id)).toEqual(before);
      });

      it('leaves a row sent from another channel or through another provider alone', async () => {
        // Prepare: one row the tenant pinned to a channel, one whose unknown send went out on CHANNEL via Meta
        const pinned = await aQueuedRow('MANTIS-7QX2B');
        await store.applySendResult(aFailedResult(pinned, { channelId: 'MANTIS-7QX2B', code: 'SEND_OUTCOME_UNKNOWN' }));
        const unknown = await anUnknownOutcomeRow();
        const before = [await store.findOutboundMessage(pinned.id), await store.findOutboundMessage(unknown.id)];

        // Act
        const outcomes = [
          await store.claimSentMessage(aClaim(pinned, { channelId: CHANNEL })),
          await store.claimSentMessage(aClaim(unknown, { channelId: '106540352242999' })),
          await store.claimSentMessage(aClaim(unknown, { provider: 'whapi' })),
        ];

        // Assert
        expect(outcomes).toEqual(['unchanged', 'unchanged', 'unchanged']);
        expect([await store.findOutboundMessage(pinned.id), await store.findOutboundMessage(unknown.id)]).toEqual(before);
      });

      it('gives the row to exactly one of two receipts claiming it at once with different wamids', async () => {
        // Prepare
        const ref = await anUnknownOutcomeRow();
        const wamids = [aWamid(), aWamid()];

        // Act
        const outcomes = await Promise.all(wamids.map((providerMessageId) => store.claimSentMessage(aClaim(ref, { providerMessageId }))));

        // Assert
        expect([...outcomes].sort()).toEqual(['claimed', 'unchanged']);
        expect((await store.findOutboundMessage(ref.id))?.providerMessageId).toBe(wamids[outcomes.indexOf('claimed')]);
      });

      it('refuses a row id that is not a BIGINT, as a permanent error', async () => {
        await expect(store.claimSentMessage(aClaim({ id: '99999999999999999999', attempt: 1 }))).rejects.toBeInstanceOf(TenantRowInvalidError);
      });
    });

    describe('recordStatusEvent', () => {
      it('records an event once per message and status, with every column', async () => {
        // Prepare
        const event = aStatusEvent({ outboundMessageId: '9007199254740993', raw: { emoji: '🇧🇷', nested: { list: [1, 'ß', null] } } });

        // Act
        const outcomes = [await store.recordStatusEvent(event), await store.recordStatusEvent({ ...event, occurredAt: at(999), recipientId: 'other' })];

        // Assert
        expect(outcomes).toEqual(['inserted', 'duplicate']);
        expect(await store.listStatusEvents(event.provider, event.providerMessageId)).toEqual([event]);
      });

      it('records the other statuses of the same message, and events for messages the gateway did not send', async () => {
        // Prepare
        const wamid = aWamid();

        // Act
        const outcomes = [
          await store.recordStatusEvent(aStatusEvent({ providerMessageId: wamid, status: 'sent', occurredAt: at(110) })),
          await store.recordStatusEvent(aStatusEvent({ providerMessageId: wamid, status: 'deleted', occurredAt: at(130), raw: null, recipientId: null })),
          await store.recordStatusEvent(
            aStatusEvent({ providerMessageId: wamid, status: 'failed', occurredAt: at(120), errorCode: '131047', errorMessage: 'Re-engagement message' }),
          ),
        ];

        // Assert
        expect(outcomes).toEqual(['inserted', 'inserted', 'inserted']);
        const records = await store.listStatusEventRecords();
        expect(records.map((event) => event.status)).toEqual(['sent', 'deleted', 'failed']);
        expect(records[1]).toMatchObject({ raw: null, recipientId: null, outboundMessageId: null });
        expect(records[2]).toMatchObject({ errorCode: '131047', errorMessage: 'Re-engagement message' });
      });

      it("names the outbound row on an event recorded without one (a receipt before its send result), still answering 'duplicate'", async () => {
        // Prepare: Meta's 'sent' receipt landed first, without a row id
        const wamid = aWamid();
        const receipt = aStatusEvent({ providerMessageId: wamid, status: 'sent', occurredAt: at(110), outboundMessageId: null });
        await store.recordStatusEvent(receipt);

        // Act: the send result's 'sent' event for the same wamid names the row
        const outcome = await store.recordStatusEvent(aStatusEvent({ providerMessageId: wamid, status: 'sent', occurredAt: at(100), raw: { result: 1 }, outboundMessageId: '42' }));

        // Assert: the receipt's columns are kept; only the row id is filled in
        expect(outcome).toBe('duplicate');
        expect(await store.listStatusEvents('meta', wamid)).toEqual([{ ...receipt, outboundMessageId: '42' }]);
      });

      it('never renames or clears the outbound row an event already names', async () => {
        // Prepare
        const event = aStatusEvent({ status: 'sent', outboundMessageId: '42' });
        await store.recordStatusEvent(event);

        // Act
        const outcomes = [
          await store.recordStatusEvent({ ...event, outboundMessageId: '43' }),
          await store.recordStatusEvent({ ...event, outboundMessageId: null }),
        ];

        // Assert
        expect(outcomes).toEqual(['duplicate', 'duplicate']);
        expect((await store.listStatusEvents(event.provider, event.providerMessageId)).map((recorded) => recorded.outboundMessageId)).toEqual(['42']);
      });

      it('ends with the outbound row named when a receipt and its send result record the same event at once', async () => {
        // Prepare
        const receipt = aStatusEvent({ status: 'sent', outboundMessageId: null });
        const fromSendResult = { ...receipt, outboundMessageId: '42' };

        // Act
        const outcomes = await Promise.all([store.recordStatusEvent(receipt), store.recordStatusEvent(fromSendResult)]);

        // Assert
        expect([...outcomes].sort()).toEqual(['duplicate', 'inserted']);
        expect((await store.listStatusEvents(receipt.provider, receipt.providerMessageId)).map((recorded) => recorded.outboundMessageId)).toEqual(['42']);
      });

      it('records one event when ten identical events race', async () => {
        // Prepare
        const event = aStatusEvent();

        // Act
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.recordStatusEvent(event)));

        // Assert
        expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(1);
        expect(await store.listStatusEvents(event.provider, event.providerMessageId)).toHaveLength(1);
      });

      it('keeps apart the same wamid on two providers', async () => {
        // Prepare
        const wamid = aWamid();

        // Act
        const outcomes = [await store.recordStatusEvent(aStatusEvent({ providerMessageId: wamid })), await store.recordStatusEvent(aStatusEvent({ provider: 'whapi', providerMessageId: wamid }))];

        // Assert
        expect(outcomes).toEqual(['inserted', 'inserted']);
        expect(await store.listStatusEvents('whapi', wamid)).toHaveLength(1);
      });

      it('reads back only the statuses that move a row (sent, delivered, read, played, failed), oldest first', async () => {
        // Prepare
        const wamid = aWamid();
        const statuses = ['deleted', 'read', 'pending', 'sent', 'unknown', 'played', 'delivered', 'failed', 'mystery'];
        for (const [index, status] of statuses.entries()) {
          await store.recordStatusEvent(aStatusEvent({ providerMessageId: wamid, status, occurredAt: at(100 + index) }));
        }

        // Act
        const events = await store.listStatusEvents('meta', wamid);

        // Assert
        expect(events.map((event) => event.status)).toEqual(['read', 'sent', 'played', 'delivered', 'failed']);
      });

      it('reads back at most 50 events of a message, even from a database that lost its uniqueness constraint', async () => {
        // Prepare: 60 events of one wamid; then a tenant drops the constraint and makes them all 'delivered'
        const wamid = aWamid();
        for (let index = 0; index < 60; index += 1) {
          await store.recordStatusEvent(aStatusEvent({ providerMessageId: wamid, status: `status-${index}`, occurredAt: at(index) }));
        }
        await database.execute(['ALTER TABLE wa_status_events DROP CONSTRAINT wa_status_events_status_uq', "UPDATE wa_status_events SET status = 'delivered'"]);
        try {
          // Act
          const events = await store.listStatusEvents('meta', wamid);

          // Assert: the oldest 50
          expect(events).toHaveLength(50);
          expect(events.at(-1)?.occurredAt).toEqual(at(49));
        } finally {
          await database.clearOutboundTables();
          await database.execute(['ALTER TABLE wa_status_events ADD CONSTRAINT wa_status_events_status_uq UNIQUE (provider, provider_message_id, status)']);
        }
      });

      it('lists no events for a message that has none', async () => {
        expect(await store.listStatusEvents('meta', aWamid())).toEqual([]);
      });

      it('lists every event with its id for ops, oldest first', async () => {
        // Prepare
        const first = aStatusEvent();
        const second = aStatusEvent();
        await store.recordStatusEvent(first);
        await store.recordStatusEvent(second);

        // Act
        const records = await store.listStatusEventRecords({ limit: 10 });

        // Assert
        expect(records).toEqual([
          { ...first, id: expect.stringMatching(/^\d+$/) },
          { ...second, id: expect.stringMatching(/^\d+$/) },
        ]);
      });
    });

    describe('a receipt that arrives before its send result', () => {
      it('is kept as an event and applied once the send result landed', async () => {
        // Prepare
        const ref = await aQueuedRow();
        const wamid = aWamid();
        const early = aStatusEvent({ providerMessageId: wamid, status: 'delivered', occurredAt: at(RECEIPT_SECONDS.delivered) });
        await store.recordStatusEvent(early);
        const before = await store.applyReceipt(aReceipt(wamid, 'delivered'));

        // Act: the status-saver's order for a send result — update the row, then catch up on events.
        await store.applySendResult(aSentResult(ref, { providerMessageId: wamid }));
        const caughtUp = [];
        for (const event of await store.listStatusEvents('meta', wamid)) {
          caughtUp.push(await store.applyReceipt(aReceipt(wamid, event.status as OutboundStatus, { occurredAt: event.occurredAt })));
        }

        // Assert
        expect(before).toBe('no-row');
        expect(caughtUp).toEqual(['applied']);
        expect(await store.findOutboundMessage(ref.id)).toMatchObject({ status: 'delivered', deliveredAt: at(RECEIPT_SECONDS.delivered) });
      });
    });
  });
}
