import type { ReceiptEventV1, SendResultEventV1 } from '@wagw/contracts';
import { saveStatusEvent } from '../../src/save-status-event';
import {
  capturingLogger,
  failedOutcome,
  META_CHANNEL,
  metaReceipt,
  sendResult,
  unknownOutcome,
  WHAPI_CHANNEL,
  whapiReceipt,
} from '../support/builders';
import { fixedClock, InMemoryStatusStores } from '../support/in-memory-status-store';

const TENANT = 'tenant-a';
const ROW = '41';
const WAMID = 'wamid.TEST-OUT-UNKNOWN-0001';
const NOW = '2025-10-09T08:54:00.000Z';
const CALLBACK = `outbound:${ROW}:1`;

/** Unix seconds of the receipts, in the order the provider produced them. */
const SENT_AT = 1760000100;
const DELIVERED_AT = 1760000105;
const READ_AT = 1760000200;

const at = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

const setup = () => {
  const stores = new InMemoryStatusStores();
  const store = stores.store(TENANT);
  const { logger, lines } = capturingLogger();
  const save = (event: ReceiptEventV1 | SendResultEventV1) => saveStatusEvent({ stores, clock: fixedClock(NOW) }, event, logger);
  return { stores, store, save, lines };
};

const unknownSend = (attempt = 1, tenantId = TENANT) => sendResult({ tenantId, rowId: ROW, attempt }, unknownOutcome());
const receipt = (status: string, timestamp: number, callbackData = CALLBACK) => metaReceipt(TENANT, { id: WAMID, status, timestamp, callbackData });

const THE_FOUR = [unknownSend(), receipt('sent', SENT_AT), receipt('delivered', DELIVERED_AT), receipt('read', READ_AT)];

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

describe('a Meta receipt whose callback data names the row attempt of an ambiguous send', () => {
  it("takes the row from failed / SEND_OUTCOME_UNKNOWN to sent with the wamid, and delivered and read carry it to 'read'", async () => {
    // Prepare
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());
    expect(store.row(ROW)).toMatchObject({ status: 'failed', errorCode: 'SEND_OUTCOME_UNKNOWN', providerMessageId: null });

    // Act
    const outcomes = [await save(receipt('sent', SENT_AT)), await save(receipt('delivered', DELIVERED_AT)), await save(receipt('read', READ_AT))];

    // Assert
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(store.row(ROW)).toMatchObject({
      status: 'read',
      provider: 'meta',
      channelId: META_CHANNEL,
      providerMessageId: WAMID,
      sentAt: at(SENT_AT),
      deliveredAt: at(DELIVERED_AT),
      readAt: at(READ_AT),
      errorCode: null,
      errorMessage: null,
      failedAt: null,
    });
    expect(store.events.map((event) => `${event.providerMessageId} ${event.status}`)).toEqual([
      `outbound:${ROW}:1 unknown`,
      `${WAMID} sent`,
      `${WAMID} delivered`,
      `${WAMID} read`,
    ]);
  });

  it('is reconciled even when the first receipt to arrive is read', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());

    const outcome = await save(receipt('read', READ_AT));

    expect(outcome).toBe('applied');
    expect(store.row(ROW)).toMatchObject({ status: 'read', providerMessageId: WAMID, readAt: at(READ_AT), errorCode: null });
  });

  it("records the provider's failure on the row when the reconciling receipt is a failure", async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());
    const failedReceipt = metaReceipt(TENANT, { id: WAMID, callbackData: CALLBACK }, 'meta-webhook-status-failed.json');

    await save(failedReceipt);

    expect(store.row(ROW)).toMatchObject({ status: 'failed', providerMessageId: WAMID, errorCode: '131047', failedAt: at(1760000400) });
  });

  it('claims the queued row when a receipt comes before the unknown send result, which then changes nothing', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(receipt('delivered', DELIVERED_AT));

    const outcome = await save(unknownSend());

    expect(outcome).toBe('stale');
    expect(store.row(ROW)).toMatchObject({ status: 'delivered', providerMessageId: WAMID, errorCode: null, deliveredAt: at(DELIVERED_AT) });
  });

  it.each(permutations(THE_FOUR).map((order) => [order.map((event) => (event.schema === 'send-result.v1' ? 'unknown result' : event.status)).join(' → '), order]))(
    "ends 'read' with the wamid, whatever the order: %s",
    async (_name, order) => {
      const { store, save } = setup();
      store.addQueuedRow(ROW);

      for (const event of order as (ReceiptEventV1 | SendResultEventV1)[]) await save(event);

      expect(store.row(ROW)).toMatchObject({ status: 'read', providerMessageId: WAMID, readAt: at(READ_AT), errorCode: null, failedAt: null });
      expect([at(SENT_AT), at(DELIVERED_AT), at(READ_AT)]).toContainEqual(store.row(ROW).sentAt);
    },
  );

  it('claims the row when it names another attempt than the one the row is held under: the receipt proves that attempt was accepted', async () => {
    // Prepare: the row's unknown send was attempt 2; the receipt is about attempt 1, which went out after all
    const { store, save, lines } = setup();
    store.addQueuedRow(ROW, 2);
    await save(unknownSend(2));

    // Act
    const outcome = await save(receipt('delivered', DELIVERED_AT, `outbound:${ROW}:1`));

    // Assert
    expect(outcome).toBe('applied');
    expect(store.row(ROW)).toMatchObject({ status: 'delivered', attempts: 2, providerMessageId: WAMID, errorCode: null, deliveredAt: at(DELIVERED_AT) });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'sent message reconciled from a receipt', rowId: ROW, attempt: 1, claim: 'claimed' }));
  });

  it('takes a row the reaper gave up on (SEND_ATTEMPTS_EXHAUSTED) to sent: the receipt proves the send went out', async () => {
    // Prepare
    const { store, save } = setup();
    store.addQueuedRow(ROW, 1, { status: 'failed', errorCode: 'SEND_ATTEMPTS_EXHAUSTED', errorMessage: 'gave up after 1 attempts', reservedUntil: null });

    // Act
    const outcomes = [await save(receipt('sent', SENT_AT)), await save(receipt('read', READ_AT))];

    // Assert
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(store.row(ROW)).toMatchObject({ status: 'read', providerMessageId: WAMID, sentAt: at(SENT_AT), errorCode: null, errorMessage: null, failedAt: null });
  });

  it('logs the reconciliation with the row attempt it names', async () => {
    const { store, save, lines } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());

    await save(receipt('sent', SENT_AT));

    expect(lines.filter((line) => line.msg === 'sent message reconciled from a receipt')).toEqual([
      expect.objectContaining({ tenantId: TENANT, provider: 'meta', channelId: META_CHANNEL, providerMessageId: WAMID, rowId: ROW, attempt: 1, status: 'sent', claim: 'claimed' }),
    ]);
    expect(lines.at(-1)).toMatchObject({ msg: 'receipt saved', providerMessageId: WAMID, outcome: 'applied' });
  });
});

describe('a receipt whose callback data cannot reconcile a row', () => {
  it('never overwrites a real failure', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sendResult({ tenantId: TENANT, rowId: ROW }, failedOutcome('131026', 'Message undeliverable')));

    const outcome = await save(receipt('delivered', DELIVERED_AT));

    expect(outcome).toBe('no-row');
    expect(store.row(ROW)).toMatchObject({ status: 'failed', errorCode: '131026', providerMessageId: null });
  });

  it('never moves a row that already carries another wamid', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sendResult({ tenantId: TENANT, rowId: ROW }, { status: 'sent', providerMessageId: 'wamid.THE-ONE-SENT', acceptedAt: NOW }));

    const outcome = await save(receipt('read', READ_AT));

    expect(outcome).toBe('no-row');
    expect(store.row(ROW)).toMatchObject({ status: 'sent', providerMessageId: 'wamid.THE-ONE-SENT', readAt: null });
  });

  it("touches only the receipt's own tenant database", async () => {
    const { stores, save } = setup();
    const other = stores.store('tenant-b');
    other.addQueuedRow(ROW);
    await save(unknownSend(1, 'tenant-b'));

    await save(receipt('read', READ_AT));

    expect(other.row(ROW)).toMatchObject({ status: 'failed', errorCode: 'SEND_OUTCOME_UNKNOWN', providerMessageId: null });
    expect(other.events.map((event) => event.status)).toEqual(['unknown']);
  });

  it.each([
    ['a tenant’s own callback data', 'tenant=t_test_01;msg=m_test_0001'],
    ['no attempt', `outbound:${ROW}`],
    ['a trailing part', `outbound:${ROW}:1:2`],
    ['a leading space', ` outbound:${ROW}:1`],
    ['a trailing newline', `outbound:${ROW}:1\n`],
    ['another prefix case', `OUTBOUND:${ROW}:1`],
    ['a negative id', `outbound:-${ROW}:1`],
    ['a leading zero', `outbound:0${ROW}:1`],
    ['attempt 0', `outbound:${ROW}:0`],
    ['an id beyond BIGINT', 'outbound:9223372036854775808:1'],
    ['an attempt beyond INT', `outbound:${ROW}:2147483648`],
  ])('ignores malformed callback data (%s)', async (_name, callbackData) => {
    const { store, save, lines } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());
    const claim = jest.spyOn(store, 'claimSentMessage');

    const outcome = await save(receipt('delivered', DELIVERED_AT, callbackData));

    expect(outcome).toBe('no-row');
    expect(claim).not.toHaveBeenCalled();
    expect(store.row(ROW)).toMatchObject({ status: 'failed', errorCode: 'SEND_OUTCOME_UNKNOWN', providerMessageId: null });
    expect(lines.at(-1)).toMatchObject({ msg: 'receipt saved', outcome: 'no-row' });
  });

  it('ignores the recorded fixture whose callback data the tenant set itself', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());
    const claim = jest.spyOn(store, 'claimSentMessage');

    const outcome = await save(metaReceipt(TENANT, {}, 'meta-webhook-status-with-callback-data.json'));

    expect(outcome).toBe('no-row');
    expect(claim).not.toHaveBeenCalled();
  });

  it('ignores callback data that is not a string', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(unknownSend());
    const event = receipt('delivered', DELIVERED_AT);

    const outcome = await save({ ...event, item: { ...event.item, biz_opaque_callback_data: 41 } });

    expect(outcome).toBe('no-row');
    expect(store.row(ROW).providerMessageId).toBeNull();
  });

  it('ignores it on a Whapi receipt (only Meta echoes callback data)', async () => {
    const { store, save } = setup();
    store.addQueuedRow(ROW);
    await save(sendResult({ tenantId: TENANT, rowId: ROW, provider: 'whapi', channelId: WHAPI_CHANNEL }, unknownOutcome()));
    const claim = jest.spyOn(store, 'claimSentMessage');

    const outcome = await save(whapiReceipt(TENANT, { id: 'TestWhapiOutId0001-xyz', status: 'delivered', callbackData: CALLBACK }));

    expect(outcome).toBe('no-row');
    expect(claim).not.toHaveBeenCalled();
    expect(store.row(ROW)).toMatchObject({ status: 'failed', provider: 'whapi', errorCode: 'SEND_OUTCOME_UNKNOWN' });
  });
});
