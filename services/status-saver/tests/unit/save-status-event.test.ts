import type { ReceiptEventV1, SendResultEventV1 } from '@wagw/contracts';
import fc from 'fast-check';
import { saveStatusEvent } from '../../src/save-status-event';
import {
  capturingLogger,
  failedOutcome,
  metaReceipt,
  sendResult,
  sentOutcome,
  silentLogger,
  unknownOutcome,
  WHAPI_CHANNEL,
  whapiReceipt,
} from '../support/builders';
import { fixedClock, InMemoryStatusStores } from '../support/in-memory-status-store';

const TENANT = 'tenant-a';
const ROW = '41';
const WAMID = 'wamid.TEST-OUT-TEXT-0001';
const NOW = '2025-10-09T08:54:00.000Z';

/** Unix seconds of the receipts, in the order the provider produced them. */
const SENT_AT = 1760000100;
const DELIVERED_AT = 1760000105;
const READ_AT = 1760000200;
const ACCEPTED_AT = '2025-10-09T08:53:20.000Z';

const at = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

const setup = () => {
  const stores = new InMemoryStatusStores();
  const store = stores.store(TENANT);
  const deps = { stores, clock: fixedClock(NOW) };
  const { logger, lines } = capturingLogger();
  const save = (event: ReceiptEventV1 | SendResultEventV1) => saveStatusEvent(deps, event, logger);
  return { stores, store, save, lines };
};

const sent = (attempt = 1, wamid = WAMID) => sendResult({ tenantId: TENANT, rowId: ROW, attempt }, sentOutcome(wamid, ACCEPTED_AT));
const receipt = (status: string, timestamp: number, id = WAMID) => metaReceipt(TENANT, { id, status, timestamp });

const THE_FOUR = [sent(), receipt('sent', SENT_AT), receipt('delivered', DELIVERED_AT), receipt('read', READ_AT)];

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

describe('a send result', () => {
  it("moves the queued row to 'sent' with its wamid and accept time, and records the 'sent' event against the row", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);

    const outcome = await save(sent());

    expect(outcome).toBe('applied');
    expect(store.row(ROW)).toMatchObject({ status: 'sent', provider: 'meta', providerMessageId: WAMID, sentAt: new Date(ACCEPTED_AT), reservedUntil: null });
    expect(store.events).toEqual([
      expect.objectContaining({ providerMessageId: WAMID, status: 'sent', outboundMessageId: ROW, occurredAt: new Date(ACCEPTED_AT) }),
    ]);
  });

  it("marks the row 'failed' with the provider's code and records the event under the attempt's key", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW, 2);

    await save(sendResult({ tenantId: TENANT, rowId: ROW, attempt: 2 }, failedOutcome('131026', 'Message undeliverable')));

    expect(store.row(ROW)).toMatchObject({ status: 'failed', errorCode: '131026', errorMessage: 'Message undeliverable', reservedUntil: null });
    expect(store.events).toEqual([
      expect.objectContaining({ providerMessageId: `outbound:${ROW}:2`, status: 'failed', errorCode: '131026', outboundMessageId: ROW }),
    ]);
  });

  it("marks the row 'failed' with SEND_OUTCOME_UNKNOWN on an ambiguous send, recorded as an 'unknown' event", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);

    await save(sendResult({ tenantId: TENANT, rowId: ROW }, unknownOutcome()));

    expect(store.row(ROW)).toMatchObject({ status: 'failed', errorCode: 'SEND_OUTCOME_UNKNOWN' });
    expect(store.events).toEqual([expect.objectContaining({ providerMessageId: `outbound:${ROW}:1`, status: 'unknown', errorCode: 'SEND_OUTCOME_UNKNOWN' })]);
  });

  it('applies an acceptance from an attempt the row no longer holds: the provider took the message, whichever attempt sent it', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW, 2);

    const outcome = await save(sent(1, 'wamid.OLD-ATTEMPT'));

    expect(outcome).toBe('applied');
    expect(store.row(ROW)).toMatchObject({ status: 'sent', providerMessageId: 'wamid.OLD-ATTEMPT', attempts: 2, reservedUntil: null });
    expect(store.events).toEqual([expect.objectContaining({ providerMessageId: 'wamid.OLD-ATTEMPT', status: 'sent', outboundMessageId: ROW })]);
  });

  it('leaves the row alone when a failure comes from an attempt the row no longer holds, but still records it', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW, 2);

    const outcome = await save(sendResult({ tenantId: TENANT, rowId: ROW, attempt: 1 }, failedOutcome('131026', 'Message undeliverable')));

    expect(outcome).toBe('stale');
    expect(store.row(ROW)).toMatchObject({ status: 'queued', errorCode: null, attempts: 2 });
    expect(store.events).toEqual([expect.objectContaining({ providerMessageId: `outbound:${ROW}:1`, status: 'failed', outboundMessageId: ROW })]);
  });

  it.each(['SEND_ATTEMPTS_EXHAUSTED', 'SEND_OUTCOME_UNKNOWN'])(
    'heals a row the gateway failed only for lack of an answer (%s) when the acceptance arrives late',
    async (code) => {
      const { store, save } = setup();
      store.addQueuedRow(ROW, 1, { status: 'failed', errorCode: code, errorMessage: 'no answer', reservedUntil: null });

      const outcome = await save(sent());

      expect(outcome).toBe('applied');
      expect(store.row(ROW)).toMatchObject({ status: 'sent', providerMessageId: WAMID, errorCode: null, errorMessage: null, failedAt: null });
    },
  );

  it('never heals a row the provider refused', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sendResult({ tenantId: TENANT, rowId: ROW }, failedOutcome('131026', 'Message undeliverable')));

    const outcome = await save(sent());

    expect(outcome).toBe('stale');
    expect(store.row(ROW)).toMatchObject({ status: 'failed', errorCode: '131026', providerMessageId: null });
  });

  it("names the row on the 'sent' event a receipt recorded first", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(receipt('sent', SENT_AT));

    await save(sent());

    expect(store.events).toEqual([expect.objectContaining({ providerMessageId: WAMID, status: 'sent', outboundMessageId: ROW, occurredAt: at(SENT_AT) })]);
  });

  it('leaves the row alone when it is redelivered after the row moved on', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent());
    await save(receipt('delivered', DELIVERED_AT));

    const outcome = await save(sent());

    expect(outcome).toBe('stale');
    expect(store.row(ROW).status).toBe('delivered');
    expect(store.events.map((event) => event.status)).toEqual(['sent', 'delivered']);
  });

  it('does not let a late failure of an old attempt overwrite the attempt that was sent', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW, 2);
    await save(sent(2));

    await save(sendResult({ tenantId: TENANT, rowId: ROW, attempt: 1 }, failedOutcome()));

    expect(store.row(ROW)).toMatchObject({ status: 'sent', errorCode: null });
  });
});

describe('a receipt', () => {
  it('moves the row forward and fills the timestamps it implies', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent());

    const outcome = await save(receipt('read', READ_AT));

    expect(outcome).toBe('applied');
    expect(store.row(ROW)).toMatchObject({ status: 'read', sentAt: new Date(ACCEPTED_AT), deliveredAt: at(READ_AT), readAt: at(READ_AT) });
  });

  it('keeps read when a late delivered arrives', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent());
    await save(receipt('read', READ_AT));

    const outcome = await save(receipt('delivered', DELIVERED_AT));

    expect(outcome).toBe('unchanged');
    expect(store.row(ROW)).toMatchObject({ status: 'read', readAt: at(READ_AT) });
    expect(store.events.map((event) => event.status)).toEqual(['sent', 'read', 'delivered']);
  });

  it("counts 'played' (a voice note was played) as read", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent());

    await save(receipt('played', READ_AT));

    expect(store.row(ROW)).toMatchObject({ status: 'read', readAt: at(READ_AT) });
    expect(store.events.map((event) => event.status)).toEqual(['sent', 'played']);
  });

  it("fails a sent row on a 'failed' receipt with the first error's code, title and details", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent(1, 'wamid.TEST-OUT-TEXT-0009'));

    await save(metaReceipt(TENANT, {}, 'meta-webhook-status-failed.json'));

    expect(store.row(ROW)).toMatchObject({
      status: 'failed',
      errorCode: '131047',
      errorMessage:
        'Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      failedAt: at(1760000400),
    });
  });

  it('never fails a row that was already delivered (another device failed)', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent(1, 'wamid.TEST-OUT-TEXT-0009'));
    await save(receipt('delivered', DELIVERED_AT, 'wamid.TEST-OUT-TEXT-0009'));

    const outcome = await save(metaReceipt(TENANT, {}, 'meta-webhook-status-failed.json'));

    expect(outcome).toBe('unchanged');
    expect(store.row(ROW)).toMatchObject({ status: 'delivered', errorCode: null });
  });

  it('lets delivered win over an earlier failure and clears the error', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent(1, 'wamid.TEST-OUT-TEXT-0009'));
    await save(metaReceipt(TENANT, {}, 'meta-webhook-status-failed.json'));

    await save(receipt('delivered', DELIVERED_AT, 'wamid.TEST-OUT-TEXT-0009'));

    expect(store.row(ROW)).toMatchObject({ status: 'delivered', errorCode: null, errorMessage: null, deliveredAt: at(DELIVERED_AT) });
  });

  it("records Whapi 'pending' and 'deleted' as events only", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    const whapiId = 'TestWhapiOutId0001-xyz';
    await save(sendResult({ tenantId: TENANT, rowId: ROW, provider: 'whapi', channelId: WHAPI_CHANNEL }, sentOutcome(whapiId)));

    const outcomes = [await save(whapiReceipt(TENANT, { status: 'pending' })), await save(whapiReceipt(TENANT, { status: 'deleted' }))];

    expect(outcomes).toEqual(['event-only', 'event-only']);
    expect(store.row(ROW)).toMatchObject({ status: 'sent', provider: 'whapi', providerMessageId: whapiId });
    expect(store.events.map((event) => event.status)).toEqual(['sent', 'pending', 'deleted']);
  });

  it('is recorded as an event only when the gateway did not send the message', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);

    const outcome = await save(receipt('delivered', DELIVERED_AT, 'wamid.SENT-FROM-THE-PHONE'));

    expect(outcome).toBe('no-row');
    expect(store.row(ROW).status).toBe('queued');
    expect(store.events).toEqual([
      expect.objectContaining({
        provider: 'meta',
        providerMessageId: 'wamid.SENT-FROM-THE-PHONE',
        status: 'delivered',
        recipientId: '15550001111',
        occurredAt: at(DELIVERED_AT),
        outboundMessageId: null,
        raw: expect.objectContaining({ id: 'wamid.SENT-FROM-THE-PHONE', status: 'delivered' }),
      }),
    ]);
  });

  it('is harmless when delivered twice: one event, the same row', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sent());
    await save(receipt('delivered', DELIVERED_AT));
    const before = structuredClone(store.row(ROW));

    const outcome = await save(receipt('delivered', DELIVERED_AT));

    expect(outcome).toBe('unchanged');
    expect(store.row(ROW)).toEqual(before);
    expect(store.events.map((event) => event.status)).toEqual(['sent', 'delivered']);
  });
});

describe('receipts that arrive before their send result', () => {
  it('are applied when the send result lands', async () => {
    const { store, save, lines } = setup();
    store.addQueuedRow(ROW);
    const early = [await save(receipt('delivered', DELIVERED_AT))];

    await save(sent());

    expect(early).toEqual(['no-row']);
    expect(store.row(ROW)).toMatchObject({ status: 'delivered', deliveredAt: at(DELIVERED_AT), sentAt: new Date(ACCEPTED_AT) });
    expect(lines.filter((line) => line.msg === 'earlier receipt applied')).toEqual([
      expect.objectContaining({ tenantId: TENANT, providerMessageId: WAMID, rowId: ROW, status: 'delivered', outcome: 'applied' }),
    ]);
  });

  it('keep their own times even when read was recorded before delivered', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(receipt('read', READ_AT));
    await save(receipt('delivered', DELIVERED_AT));

    await save(sent());

    expect(store.row(ROW)).toMatchObject({ status: 'read', deliveredAt: at(DELIVERED_AT), readAt: at(READ_AT) });
  });

  it('are still applied when the send result is redelivered after a crash before the catch-up', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(receipt('read', READ_AT));
    const listStatusEvents = store.listStatusEvents.bind(store);
    jest.spyOn(store, 'listStatusEvents').mockRejectedValueOnce(new Error('connection reset')).mockImplementation(listStatusEvents);
    await expect(save(sent())).rejects.toThrow('connection reset');
    expect(store.row(ROW).status).toBe('sent');

    const outcome = await save(sent());

    expect(outcome).toBe('stale');
    expect(store.row(ROW)).toMatchObject({ status: 'read', readAt: at(READ_AT) });
  });

  it("of another attempt land on the row with that attempt's acceptance (proof the message went out)", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW, 2);
    await save(receipt('read', READ_AT, 'wamid.OLD-ATTEMPT'));

    await save(sent(1, 'wamid.OLD-ATTEMPT'));

    expect(store.row(ROW)).toMatchObject({ status: 'read', providerMessageId: 'wamid.OLD-ATTEMPT', attempts: 2, readAt: at(READ_AT) });
  });

  it('never touch a row that carries the wamid of another attempt', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW, 2);
    await save(sent(2, 'wamid.NEW-ATTEMPT'));
    await save(receipt('read', READ_AT, 'wamid.OLD-ATTEMPT'));

    const outcome = await save(sent(1, 'wamid.OLD-ATTEMPT'));

    expect(outcome).toBe('stale');
    expect(store.row(ROW)).toMatchObject({ status: 'sent', providerMessageId: 'wamid.NEW-ATTEMPT', readAt: null });
  });
});

describe('every arrival order', () => {
  it.each(permutations(THE_FOUR).map((order) => [order.map((event) => (event.schema === 'send-result.v1' ? 'result' : event.status)).join(' → '), order]))(
    'ends read with every timestamp and each status once: %s',
    async (_name, order) => {
      const { store, save } = setup();
      store.addQueuedRow(ROW);

      for (const event of order as (ReceiptEventV1 | SendResultEventV1)[]) await save(event);

      expect(store.row(ROW)).toMatchObject({ status: 'read', providerMessageId: WAMID, sentAt: new Date(ACCEPTED_AT), readAt: at(READ_AT) });
      expect([at(DELIVERED_AT), at(READ_AT)]).toContainEqual(store.row(ROW).deliveredAt);
      expect(store.events.map((event) => event.status).sort()).toEqual(['delivered', 'read', 'sent']);
    },
  );

  it('ends the same with duplicates mixed in, whatever the order', async () => {
    const events = [...THE_FOUR, receipt('played', READ_AT + 5), whapiReceipt(TENANT, { id: WAMID, status: 'pending' })];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 12 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        async (extra, keys) => {
          const { store, save } = setup();
          store.addQueuedRow(ROW);
          const delivery = [...events, ...extra.map((index) => events[index] as ReceiptEventV1 | SendResultEventV1)];
          const sortKeys = [...keys.take(delivery.length)];
          const order = delivery.map((event, index) => ({ event, key: sortKeys[index] ?? 0 })).sort((a, b) => a.key - b.key);

          for (const { event } of order) await save(event);

          expect(store.row(ROW)).toMatchObject({ status: 'read', sentAt: new Date(ACCEPTED_AT) });
          // read_at is the first read-like receipt applied: read, or the played that came before it
          expect([at(READ_AT), at(READ_AT + 5)]).toContainEqual(store.row(ROW).readAt);
          expect(store.events.map((event) => `${event.provider}:${event.status}`).sort()).toEqual([
            'meta:delivered',
            'meta:played',
            'meta:read',
            'meta:sent',
            'whapi:pending',
          ]);
        },
      ),
    );
  });
});

describe('the log', () => {
  it('has one line per event with the tenant, provider, message id, status and outcome', async () => {
    const { store, save, lines } = setup();
    store.addQueuedRow(ROW);

    await save(sent());
    await save(receipt('delivered', DELIVERED_AT));
    await save(receipt('delivered', DELIVERED_AT, 'wamid.UNKNOWN'));

    expect(lines).toEqual([
      expect.objectContaining({ msg: 'send result saved', tenantId: TENANT, provider: 'meta', rowId: ROW, attempt: 1, providerMessageId: WAMID, status: 'sent', outcome: 'applied' }),
      expect.objectContaining({ msg: 'receipt saved', tenantId: TENANT, provider: 'meta', providerMessageId: WAMID, status: 'delivered', outcome: 'applied' }),
      expect.objectContaining({ msg: 'receipt saved', providerMessageId: 'wamid.UNKNOWN', status: 'delivered', outcome: 'no-row' }),
    ]);
  });
});

describe('a tenant database that is down', () => {
  it('throws a retryable error and writes nothing', async () => {
    const stores = new InMemoryStatusStores();
    stores.unreachable.add(TENANT);

    const saving = saveStatusEvent({ stores, clock: fixedClock(NOW) }, sent(), silentLogger());

    await expect(saving).rejects.toMatchObject({ code: 'TENANT_DB_UNAVAILABLE', retryable: true });
  });
});
