import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueMessage } from '@wagw/core/ports';
import { createS3Client, createSqsClient } from '../../src/clients';
import { QueueNotConfiguredError, QueuePublishError } from '../../src/errors';
import { SqsEventPublisher } from '../../src/sqs-event-publisher';
import type { ReceivedMessage } from '../../src/sqs-queue-reader';
import { SqsQueueReader } from '../../src/sqs-queue-reader';

const aMessage = (index: number, groupId = 'tenant-a:channel-1:contact-1'): QueueMessage => ({
  body: JSON.stringify({ schema: 'test.v1', index }),
  groupId,
  deduplicationId: `msg:meta:channel-1:wamid.${index}`,
});

const drain = async (reader: SqsQueueReader, queueUrl: string, expected: number): Promise<ReceivedMessage[]> => {
  const received: ReceivedMessage[] = [];
  // Bounded by receive calls, not time: FIFO hands out one group's messages in order, batch by batch.
  for (let call = 0; call < expected + 5 && received.length < expected; call += 1) {
    const messages = await reader.receive(queueUrl, { maxMessages: 10 });
    received.push(...messages);
    const failed = await reader.deleteBatch(queueUrl, messages.map((message) => message.receiptHandle));
    expect(failed).toEqual([]);
  }
  return received;
};

describe('SqsEventPublisher against the emulator', () => {
  let emulator: RunningEmulator;
  let sqs: SQSClient;
  let reader: SqsQueueReader;
  let prefixCounter = 0;

  const freshQueues = async () => {
    prefixCounter += 1;
    const s3 = createS3Client({ endpoint: emulator.endpoint });
    const resources = await createGatewayResources({ sqs, s3, bucket: `publisher-${prefixCounter}`, namePrefix: `pub${prefixCounter}-` });
    s3.destroy();
    return resources;
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    reader = new SqsQueueReader(sqs);
  });

  afterAll(async () => {
    sqs.destroy();
    await emulator.stop();
  });

  it('queues any message text, emoji and characters SQS refuses included, and it reads back the same', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const publisher = new SqsEventPublisher(sqs, queueUrls);
    const value = { schema: 'test.v1', text: 'olá 😀 \ufffe 中文' };

    // Act
    await publisher.publish('inbound-events', [{ ...aMessage(1), body: JSON.stringify(value) }]);

    // Assert
    const [received] = await drain(reader, queueUrls['inbound-events'], 1);
    expect(JSON.parse(received!.body)).toEqual(value);
  });

  it('queues a message with its body, group id and deduplication id', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const publisher = new SqsEventPublisher(sqs, queueUrls);

    // Act
    await publisher.publish('inbound-events', [aMessage(1)]);

    // Assert
    const [received, ...rest] = await reader.receive(queueUrls['inbound-events']);
    expect(rest).toEqual([]);
    expect(received).toMatchObject({
      body: aMessage(1).body,
      groupId: 'tenant-a:channel-1:contact-1',
      deduplicationId: 'msg:meta:channel-1:wamid.1',
      receiveCount: 1,
    });
  });

  it('drops a message whose deduplication id was already queued', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const publisher = new SqsEventPublisher(sqs, queueUrls);
    await publisher.publish('status-events', [aMessage(7)]);

    // Act
    await publisher.publish('status-events', [{ ...aMessage(7), body: '{"second":"delivery"}' }]);

    // Assert
    expect(await reader.counts(queueUrls['status-events'])).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    const received = await reader.receive(queueUrls['status-events']);
    expect(received.map((message) => message.body)).toEqual([aMessage(7).body]);
  });

  it('queues all 25 messages of one call, in order within their group', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const publisher = new SqsEventPublisher(sqs, queueUrls);
    const messages = Array.from({ length: 25 }, (_, index) => aMessage(index));

    // Act
    await publisher.publish('inbound-events', messages);

    // Assert
    expect(await reader.counts(queueUrls['inbound-events'])).toEqual({ visible: 25, inFlight: 0, delayed: 0 });
    const received = await drain(reader, queueUrls['inbound-events'], 25);
    expect(received.map((message) => message.body)).toEqual(messages.map((message) => message.body));
  });

  it('splits bodies that together exceed 256 KiB over several batches', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const publisher = new SqsEventPublisher(sqs, queueUrls);
    const big = 'x'.repeat(100 * 1024);
    const messages = Array.from({ length: 5 }, (_, index) => ({ ...aMessage(index, `group-${index}`), body: `${index}${big}` }));

    // Act
    await publisher.publish('media-jobs', messages);

    // Assert
    expect(await reader.counts(queueUrls['media-jobs'])).toEqual({ visible: 5, inFlight: 0, delayed: 0 });
  });

  it('after a call whose answer was lost, lists its messages as ambiguous: they are on the queue, and a resend of them is dropped', async () => {
    // Prepare: the second SendMessageBatch reaches the emulator, but its answer is lost on the way back
    const { queueUrls } = await freshQueues();
    const lossy = createSqsClient({ endpoint: emulator.endpoint });
    let batchCalls = 0;
    lossy.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        if (typeof args.input === 'object' && args.input !== null && 'Entries' in args.input) {
          batchCalls += 1;
          if (batchCalls === 2) throw new Error('socket hang up');
        }
        return result;
      },
      { step: 'initialize', name: 'loseSecondBatchAnswer' },
    );
    const messages = Array.from({ length: 25 }, (_, index) => aMessage(index, `group-${index}`));
    const publisher = new SqsEventPublisher(lossy, queueUrls);

    // Act
    const error: unknown = await publisher.publish('inbound-events', messages).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    const onQueueAfterFailure = await reader.counts(queueUrls['inbound-events']);
    await publisher.publish(
      'inbound-events',
      messages.filter((message) => !(error as QueuePublishError).queuedDeduplicationIds.includes(message.deduplicationId)),
    );

    // Assert
    lossy.destroy();
    expect(error).toBeInstanceOf(QueuePublishError);
    const dedup = (from: number, to: number) => messages.slice(from, to).map((message) => message.deduplicationId);
    expect(error).toMatchObject({
      queuedDeduplicationIds: dedup(0, 10),
      ambiguousDeduplicationIds: dedup(10, 20),
      notQueuedDeduplicationIds: dedup(20, 25),
    });
    expect(onQueueAfterFailure.visible).toBe(20);
    const received = await drain(reader, queueUrls['inbound-events'], 25);
    expect(received.map((message) => message.deduplicationId).sort()).toEqual(dedup(0, 25).sort());
    expect(await reader.counts(queueUrls['inbound-events'])).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('lists every message as not queued when SQS answers that the queue does not exist', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const publisher = new SqsEventPublisher(sqs, { 'inbound-events': `${queueUrls['inbound-events']}-missing` });
    const messages = [aMessage(1, 'group-1'), aMessage(2, 'group-2')];

    // Act
    const error: unknown = await publisher.publish('inbound-events', messages).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    // Assert
    expect(error).toBeInstanceOf(QueuePublishError);
    expect(error).toMatchObject({
      queuedDeduplicationIds: [],
      ambiguousDeduplicationIds: [],
      notQueuedDeduplicationIds: messages.map((message) => message.deduplicationId),
    });
  });

  it('refuses a queue it has no URL for', async () => {
    // Prepare
    const publisher = new SqsEventPublisher(sqs, { 'inbound-events': 'http://127.0.0.1:1/000000000000/x.fifo', 'media-jobs': undefined });

    // Act
    const attempt = publisher.publish('media-jobs', [aMessage(1)]);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(QueueNotConfiguredError);
  });
});
