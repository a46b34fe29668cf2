import { conversationGroupId } from '@wagw/core/ids';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createInboundRecordProcessor } from '../../src/process-inbound-record';
import { capturingLogger, META_CHANNEL, metaMessageEvent, USER } from '../support/builders';
import { fixedClock, InMemoryTenantStores, RecordingPublisher } from '../support/in-memory-tenant-stores';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:inbound-events.fifo';

const sqsRecord = (messageId: string, groupId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `receipt-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1760000005000',
    SenderId: 'TEST',
    ApproximateFirstReceiveTimestamp: '1760000005000',
    MessageGroupId: groupId,
    MessageDeduplicationId: messageId,
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: QUEUE_ARN,
  awsRegion: 'us-east-1',
});

const messageRecord = (messageId: string, tenantId: string, fixture: string): SQSRecord =>
  sqsRecord(messageId, conversationGroupId(tenantId, META_CHANNEL, USER), JSON.stringify(metaMessageEvent(tenantId, fixture)));

const setup = () => {
  const stores = new InMemoryTenantStores();
  const publisher = new RecordingPublisher();
  const { logger, lines } = capturingLogger();
  const handler = createFifoBatchHandler(
    createInboundRecordProcessor({ stores, publisher, clock: fixedClock('2025-10-09T08:53:30.000Z') }),
    { logger },
  );
  return { stores, publisher, handler, lines };
};

describe('the inbound-events.fifo batch', () => {
  it("fails only tenant A's records when A's database is down; tenant B's records in the same batch are written", async () => {
    // Prepare: the two tenants' records interleaved in one batch
    const { stores, handler } = setup();
    stores.unreachable.add('tenant-a');
    const event: SQSEvent = {
      Records: [
        messageRecord('a-1', 'tenant-a', 'meta-webhook-text.json'),
        messageRecord('b-1', 'tenant-b', 'meta-webhook-text.json'),
        messageRecord('a-2', 'tenant-a', 'meta-webhook-text-reply.json'),
        messageRecord('b-2', 'tenant-b', 'meta-webhook-text-reply.json'),
      ],
    };

    // Act
    const response = await handler(event);

    // Assert
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(['a-1', 'a-2']);
    expect(stores.rowsOf('tenant-b').map((row) => row.providerMessageId)).toEqual([
      'wamid.TEST-IN-TEXT-0001',
      'wamid.TEST-IN-TEXT-0002',
    ]);
    expect(stores.rowsOf('tenant-a')).toEqual([]);
  });

  it('writes the failed records once the database is back (the redelivery)', async () => {
    const { stores, handler } = setup();
    stores.unreachable.add('tenant-a');
    const batch: SQSEvent = { Records: [messageRecord('a-1', 'tenant-a', 'meta-webhook-image.json')] };
    await handler(batch);
    stores.unreachable.delete('tenant-a');

    const response = await handler(batch);

    expect(response.batchItemFailures).toEqual([]);
    expect(stores.rowsOf('tenant-a')).toMatchObject([{ providerMessageId: 'wamid.TEST-IN-IMAGE-0001', mediaStatus: 'pending' }]);
  });

  it('fails a malformed record and the rest of its group, not other groups', async () => {
    const { stores, handler, lines } = setup();
    const groupA = conversationGroupId('tenant-a', META_CHANNEL, USER);
    const event: SQSEvent = {
      Records: [
        sqsRecord('bad', groupA, '{"schema":"inbound-message.v1"}'),
        messageRecord('b-1', 'tenant-b', 'meta-webhook-text.json'),
        messageRecord('a-2', 'tenant-a', 'meta-webhook-text.json'),
      ],
    };

    const response = await handler(event);

    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(['bad', 'a-2']);
    expect(stores.rowsOf('tenant-b')).toHaveLength(1);
    expect(lines.find((line) => line.msg === 'record failed')).toMatchObject({ code: 'EVENT_MALFORMED', messageId: 'bad' });
  });
});
