import { attemptEventId, receiptEventRow, sendResultEventRow } from '../../src/status-event-row';
import { failedOutcome, metaReceipt, RECEIVED_AT, sendResult, sentOutcome, unknownOutcome, USER, whapiReceipt } from '../support/builders';

const NOW = new Date('2025-10-09T08:54:00.000Z');

describe('the wa_status_events row of a receipt', () => {
  it('keeps the status as sent, the time, the recipient and the item', () => {
    const event = whapiReceipt('tenant-a', { status: 'read' });

    expect(receiptEventRow(event)).toEqual({
      provider: 'whapi',
      channelId: 'TESTCH-ABCDE',
      providerMessageId: 'TestWhapiOutId0001-xyz',
      status: 'read',
      recipientId: '15550001111@s.whatsapp.net',
      occurredAt: new Date(1760000060_000),
      errorCode: null,
      errorMessage: null,
      raw: event.item,
      outboundMessageId: null,
      receivedAt: new Date(RECEIVED_AT),
    });
  });

  it("takes the first error's code and its title with the details", () => {
    const row = receiptEventRow(metaReceipt('tenant-a', {}, 'meta-webhook-status-failed.json'));

    expect(row).toMatchObject({
      status: 'failed',
      errorCode: '131047',
      errorMessage:
        'Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
  });

  it('uses the error message when the error has no title', () => {
    const event = { ...metaReceipt('tenant-a'), errors: [{ code: '1', message: 'Something went wrong' }, { code: '2', title: 'second' }] };

    expect(receiptEventRow(event)).toMatchObject({ errorCode: '1', errorMessage: 'Something went wrong' });
  });
});

describe('the wa_status_events row of a send result', () => {
  const target = { tenantId: 'tenant-a', rowId: '12', attempt: 3 };

  it("is the 'sent' event of the wamid, tied to the row", () => {
    const event = sendResult(target, sentOutcome('wamid.S', '2025-10-09T08:53:20.000Z'));

    expect(sendResultEventRow(event, NOW)).toEqual({
      provider: 'meta',
      channelId: '100000000000001',
      providerMessageId: 'wamid.S',
      status: 'sent',
      recipientId: USER,
      occurredAt: new Date('2025-10-09T08:53:20.000Z'),
      errorCode: null,
      errorMessage: null,
      raw: event.outcome,
      outboundMessageId: '12',
      receivedAt: NOW,
    });
  });

  it("is a 'failed' event under the attempt's key, with the provider's code", () => {
    const row = sendResultEventRow(sendResult(target, failedOutcome('131026', 'Message undeliverable')), NOW);

    expect(row).toMatchObject({ providerMessageId: 'outbound:12:3', status: 'failed', errorCode: '131026', errorMessage: 'Message undeliverable' });
  });

  it("is an 'unknown' event under the attempt's key for an ambiguous send", () => {
    const row = sendResultEventRow(sendResult(target, unknownOutcome()), NOW);

    expect(row).toMatchObject({ providerMessageId: attemptEventId('12', 3), status: 'unknown', errorCode: 'SEND_OUTCOME_UNKNOWN' });
  });
});
