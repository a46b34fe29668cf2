import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { createStatusRecordProcessor } from '../../src/process-status-record';
import { capturingLogger, metaReceipt, recordOf, sendResult, sentOutcome, sqsRecord } from '../support/builders';
import { fixedClock, InMemoryStatusStores } from '../support/in-memory-status-store';

const setup = () => {
  const stores = new InMemoryStatusStores();
  const { logger, lines } = capturingLogger();
  const handler = createFifoBatchHandler(createStatusRecordProcessor({ stores, clock: fixedClock('2025-10-09T08:54:00.000Z') }), { logger });
  return { stores, handler, lines };
};

describe('the status-events.fifo batch', () => {
  it("fails only tenant A's records when A's database is down; tenant B's records in the same batch are saved", async () => {
    // Prepare
    const { stores, handler } = setup();
    stores.unreachable.add('tenant-a');
    stores.store('tenant-b').addQueuedRow('5');
    const records = [
      recordOf(sendResult({ tenantId: 'tenant-a', rowId: '5' }, sentOutcome('wamid.A')), 'a-1'),
      recordOf(sendResult({ tenantId: 'tenant-b', rowId: '5' }, sentOutcome('wamid.B')), 'b-1'),
      recordOf(metaReceipt('tenant-a', { id: 'wamid.A', status: 'delivered' }), 'a-2'),
      recordOf(metaReceipt('tenant-b', { id: 'wamid.B', status: 'delivered' }), 'b-2'),
    ];

    // Act
    const response = await handler({ Records: records });

    // Assert
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(['a-1', 'a-2']);
    expect(stores.store('tenant-b').row('5')).toMatchObject({ status: 'delivered', providerMessageId: 'wamid.B' });
    expect(stores.store('tenant-a').events).toEqual([]);
  });

  it('fails a malformed record with EVENT_MALFORMED and the rest of its group, not other groups', async () => {
    const { stores, handler, lines } = setup();
    stores.store('tenant-b').addQueuedRow('9');
    const receiptA = metaReceipt('tenant-a', { id: 'wamid.A', status: 'read' });
    const records = [
      sqsRecord('{"schema":"receipt.v1"}', { tenantId: 'tenant-a', contactId: receiptA.contactId, messageId: 'bad' }),
      recordOf(sendResult({ tenantId: 'tenant-b', rowId: '9' }, sentOutcome('wamid.B')), 'b-1'),
      recordOf(receiptA, 'a-2'),
    ];

    const response = await handler({ Records: records });

    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(['bad', 'a-2']);
    expect(stores.store('tenant-b').row('9').status).toBe('sent');
    expect(lines.find((line) => line.msg === 'record failed')).toMatchObject({ code: 'EVENT_MALFORMED', retryable: false, messageId: 'bad' });
  });
});
