import type { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import { GatewayError } from '@wagw/core/errors';
import type { QueueMessage } from '@wagw/core/ports';
import { QueuePublishError } from '../../src/errors';
import { SQS_MAX_BATCH_BYTES, SqsEventPublisher, chunkEntries } from '../../src/sqs-event-publisher';

type BatchInput = SendMessageBatchCommand['input'];
type Answer = (input: BatchInput) => Partial<SendMessageBatchCommandOutput> | Error;

/** A stand-in SQS client that records every SendMessageBatch call and answers as scripted. */
const scriptedSqs = (...answers: Answer[]) => {
  const calls: BatchInput[] = [];
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      calls.push(command.input);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? (() => ({}));
      const result = answer(command.input);
      if (result instanceof Error) throw result;
      return { Successful: [], Failed: [], ...result };
    },
  };
  return { sqs: client as unknown as SQSClient, calls };
};

const allOk: Answer = () => ({});
const failIds =
  (ids: string[], senderFault = false): Answer =>
  () => ({ Failed: ids.map((id) => ({ Id: id, Code: senderFault ? 'InvalidMessageContents' : 'InternalError', SenderFault: senderFault })) });

const aMessage = (index: number, body = `{"i":${index}}`): QueueMessage => ({ body, groupId: 'g', deduplicationId: `d${index}` });
const QUEUE_URLS = { 'inbound-events': 'http://127.0.0.1:9/000000000000/inbound-events.fifo' };
const fast = { resendDelayMs: 1 };

describe('chunkEntries', () => {
  it('keeps at most 10 entries per chunk, in order', () => {
    // Act
    const chunks = chunkEntries(Array.from({ length: 23 }, (_, index) => ({ index, bytes: 10 })));

    // Assert
    expect(chunks.map((chunk) => chunk.length)).toEqual([10, 10, 3]);
    expect(chunks.flat().map((entry) => entry.index)).toEqual(Array.from({ length: 23 }, (_, index) => index));
  });

  it('starts a new chunk before the bodies would pass 256 KiB', () => {
    // Act
    const chunks = chunkEntries([{ bytes: 100_000 }, { bytes: 100_000 }, { bytes: 100_000 }, { bytes: SQS_MAX_BATCH_BYTES }]);

    // Assert
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 1, 1]);
  });
});

describe('SqsEventPublisher', () => {
  it('sends body, group and deduplication id of each message', async () => {
    // Prepare
    const { sqs, calls } = scriptedSqs(allOk);

    // Act
    await new SqsEventPublisher(sqs, QUEUE_URLS).publish('inbound-events', [aMessage(1)]);

    // Assert
    expect(calls).toEqual([
      {
        QueueUrl: QUEUE_URLS['inbound-events'],
        Entries: [{ Id: 'm0', MessageBody: '{"i":1}', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }],
      },
    ]);
  });

  it('sends nothing for an empty list', async () => {
    // Prepare
    const { sqs, calls } = scriptedSqs(allOk);

    // Act
    await new SqsEventPublisher(sqs, QUEUE_URLS).publish('inbound-events', []);

    // Assert
    expect(calls).toEqual([]);
  });

  it('resends only the entries a partial batch response reported failed', async () => {
    // Prepare
    const { sqs, calls } = scriptedSqs(failIds(['m1', 'm3']), allOk);

    // Act
    await new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', [0, 1, 2, 3].map((index) => aMessage(index)));

    // Assert
    expect(calls).toHaveLength(2);
    expect(calls[1]?.Entries?.map((entry) => entry.MessageDeduplicationId)).toEqual(['d1', 'd3']);
  });

  it('gives up after its resend rounds with a retryable error naming how many failed', async () => {
    // Prepare
    const { sqs, calls } = scriptedSqs(failIds(['m0', 'm2']));
    const messages = Array.from({ length: 15 }, (_, index) => aMessage(index));

    // Act
    const attempt = new SqsEventPublisher(sqs, QUEUE_URLS, { ...fast, resendRounds: 2 }).publish('inbound-events', messages);

    // Assert: 2 of the first chunk never went, nor did the 5 of the second chunk.
    await expect(attempt).rejects.toBeInstanceOf(QueuePublishError);
    await expect(attempt).rejects.toMatchObject({ code: 'QUEUE_PUBLISH_FAILED', retryable: true, failedCount: 7 });
    await expect(attempt).rejects.toThrow('7 of 15 messages were not queued on inbound-events: InternalError');
    expect(calls.length).toBeGreaterThanOrEqual(3);
  });

  it('does not resend an entry SQS rejected as the sender\'s fault', async () => {
    // Prepare
    const { sqs, calls } = scriptedSqs(failIds(['m0'], true));

    // Act
    const attempt = new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', [aMessage(0), aMessage(1)]);

    // Assert
    await expect(attempt).rejects.toMatchObject({ code: 'QUEUE_PUBLISH_REJECTED', retryable: false, failedCount: 1 });
    expect(calls).toHaveLength(1);
  });

  it('turns a failed call into a retryable GatewayError that keeps the cause', async () => {
    // Prepare
    const networkDown = new Error('connect ECONNREFUSED');
    const { sqs } = scriptedSqs(allOk, () => networkDown);
    const messages = Array.from({ length: 12 }, (_, index) => aMessage(index));

    // Act
    const attempt = new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', messages);

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(GatewayError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, failedCount: 2, cause: networkDown });
  });
});
