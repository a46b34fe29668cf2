import type { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import { GatewayError } from '@wagw/core/errors';
import type { QueueMessage } from '@wagw/core/ports';
import { QueuePublishError } from '../../src/errors';
import { SQS_MAX_BATCH_BYTES, SqsEventPublisher, nextBatch } from '../../src/sqs-event-publisher';

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

/** A message in a group of its own unless told otherwise. */
const aMessage = (index: number, groupId = `g${index}`): QueueMessage => ({ body: `{"i":${index}}`, groupId, deduplicationId: `d${index}` });

/**
 * A stand-in SQS queue: keeps the entries it accepts, in the order it accepts them, and fails each
 * entry named in `failOnce` the first time it is sent (a transient InternalError).
 */
const queueingSqs = (failOnce: string[]) => {
  const toFail = new Set(failOnce);
  const queued: { groupId: string; deduplicationId: string }[] = [];
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      const failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
      for (const entry of command.input.Entries ?? []) {
        const deduplicationId = entry.MessageDeduplicationId ?? '';
        if (toFail.delete(deduplicationId)) failed.push({ Id: entry.Id ?? '', Code: 'InternalError', SenderFault: false });
        else queued.push({ groupId: entry.MessageGroupId ?? '', deduplicationId });
      }
      return { Successful: [], Failed: failed };
    },
  };
  return { sqs: client as unknown as SQSClient, queued };
};
const QUEUE_URLS = { 'inbound-events': 'http://127.0.0.1:9/000000000000/inbound-events.fifo' };
const fast = { resendDelayMs: 1 };

describe('nextBatch', () => {
  const entry = (id: string, groupId: string, bytes = 10) => ({ id, groupId, bytes });

  it('takes the first pending entry of each group, in order, at most 10', () => {
    // Prepare
    const pending = [entry('a1', 'a'), entry('a2', 'a'), entry('b1', 'b'), ...Array.from({ length: 12 }, (_, index) => entry(`x${index}`, `x${index}`))];

    // Act
    const batch = nextBatch(pending);

    // Assert
    expect(batch.map((taken) => taken.id)).toEqual(['a1', 'b1', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
  });

  it('leaves out an entry that would pass 256 KiB, and every later entry of its group with it', () => {
    // Prepare
    const pending = [entry('a1', 'a', 100_000), entry('b1', 'b', 100_000), entry('c1', 'c', 100_000), entry('c2', 'c', 10), entry('d1', 'd', 10)];

    // Act
    const batch = nextBatch(pending);

    // Assert
    expect(batch.map((taken) => taken.id)).toEqual(['a1', 'b1', 'd1']);
  });

  it('always takes the first entry, even one above the limit (SQS then reports it)', () => {
    expect(nextBatch([entry('big', 'a', SQS_MAX_BATCH_BYTES + 1), entry('b1', 'b')]).map((taken) => taken.id)).toEqual(['big']);
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
        Entries: [{ Id: 'm0', MessageBody: '{"i":1}', MessageGroupId: 'g1', MessageDeduplicationId: 'd1' }],
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

  it('keeps the order within each group when the first entry of a batch fails once', async () => {
    // Prepare: a1 fails on its first send; a2 and a3 must not overtake it
    const { sqs, queued } = queueingSqs(['a1']);
    const messages: QueueMessage[] = [
      { body: '{"n":"a1"}', groupId: 'a', deduplicationId: 'a1' },
      { body: '{"n":"a2"}', groupId: 'a', deduplicationId: 'a2' },
      { body: '{"n":"b1"}', groupId: 'b', deduplicationId: 'b1' },
      { body: '{"n":"a3"}', groupId: 'a', deduplicationId: 'a3' },
      { body: '{"n":"b2"}', groupId: 'b', deduplicationId: 'b2' },
    ];

    // Act
    await new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', messages);

    // Assert
    const orderOf = (groupId: string) => queued.filter((entry) => entry.groupId === groupId).map((entry) => entry.deduplicationId);
    expect(orderOf('a')).toEqual(['a1', 'a2', 'a3']);
    expect(orderOf('b')).toEqual(['b1', 'b2']);
  });

  it('puts at most one message of a group in each call', async () => {
    // Prepare
    const { sqs, calls } = scriptedSqs(allOk);

    // Act
    await new SqsEventPublisher(sqs, QUEUE_URLS).publish('inbound-events', [aMessage(1, 'a'), aMessage(2, 'a'), aMessage(3, 'b'), aMessage(4, 'a')]);

    // Assert
    expect(calls.map((call) => call.Entries?.map((entry) => entry.MessageDeduplicationId))).toEqual([['d1', 'd3'], ['d2'], ['d4']]);
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

  describe('when it gives up, says which messages are queued, which may be, and which are not', () => {
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `d${from + index}`);
    const rejection = async (attempt: Promise<void>): Promise<QueuePublishError> => {
      const error: unknown = await attempt.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      if (!(error instanceof QueuePublishError)) throw new Error('expected a QueuePublishError');
      return error;
    };

    it('a call that throws after earlier calls succeeded: earlier chunks queued, its entries ambiguous, later ones not queued', async () => {
      // Prepare: 25 messages in 25 groups go as calls of 10, 10, 5; the second call throws
      const { sqs, calls } = scriptedSqs(allOk, () => new Error('socket hang up'), allOk);
      const messages = Array.from({ length: 25 }, (_, index) => aMessage(index));

      // Act
      const error = await rejection(new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', messages));

      // Assert
      expect(calls).toHaveLength(2);
      expect(error.queuedDeduplicationIds).toEqual(ids(0, 10));
      expect(error.ambiguousDeduplicationIds).toEqual(ids(10, 20));
      expect(error.notQueuedDeduplicationIds).toEqual(ids(20, 25));
      expect(error).toMatchObject({ code: 'QUEUE_PUBLISH_FAILED', retryable: true, failedCount: 15 });
      expect(error.message).toBe('15 of 25 messages were not queued on inbound-events (10 of them may have been): SendMessageBatch failed');
    });

    it('entries SQS reported failed in every round are not queued, never ambiguous', async () => {
      // Prepare
      const { sqs } = scriptedSqs(failIds(['m0', 'm2']));
      const messages = Array.from({ length: 15 }, (_, index) => aMessage(index));

      // Act
      const error = await rejection(new SqsEventPublisher(sqs, QUEUE_URLS, { ...fast, resendRounds: 1 }).publish('inbound-events', messages));

      // Assert
      expect(error.queuedDeduplicationIds).toEqual(['d1', ...ids(3, 10)]);
      expect(error.ambiguousDeduplicationIds).toEqual([]);
      expect(error.notQueuedDeduplicationIds).toEqual(['d0', 'd2', ...ids(10, 15)]);
    });

    it('a resend that throws leaves only the resent entries ambiguous', async () => {
      // Prepare: m1 fails in the first call; its resend throws
      const { sqs, calls } = scriptedSqs(failIds(['m1']), () => new Error('connect ETIMEDOUT'));
      const messages = Array.from({ length: 12 }, (_, index) => aMessage(index));

      // Act
      const error = await rejection(new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', messages));

      // Assert
      expect(calls[1]?.Entries?.map((entry) => entry.MessageDeduplicationId)).toEqual(['d1']);
      expect(error.queuedDeduplicationIds).toEqual(['d0', ...ids(2, 10)]);
      expect(error.ambiguousDeduplicationIds).toEqual(['d1']);
      expect(error.notQueuedDeduplicationIds).toEqual(['d10', 'd11']);
    });

    it('a call SQS refused outright with a 4xx at its only attempt queued none of its entries', async () => {
      // Prepare
      const refused = Object.assign(new Error('The specified queue does not exist.'), {
        name: 'QueueDoesNotExist',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, attempts: 1 },
      });
      const { sqs } = scriptedSqs(allOk, () => refused);
      const messages = Array.from({ length: 12 }, (_, index) => aMessage(index));

      // Act
      const error = await rejection(new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', messages));

      // Assert
      expect(error.queuedDeduplicationIds).toEqual(ids(0, 10));
      expect(error.ambiguousDeduplicationIds).toEqual([]);
      expect(error.notQueuedDeduplicationIds).toEqual(['d10', 'd11']);
      expect(error.message).toBe('2 of 12 messages were not queued on inbound-events: SendMessageBatch refused');
    });

    it.each([
      ['a 5xx', { httpStatusCode: 500, attempts: 1 }],
      ['a 4xx after SDK retries (an earlier attempt may have gone through)', { httpStatusCode: 400, attempts: 3 }],
      ['no answer at all', undefined],
    ])('a call that ended in %s leaves its entries ambiguous', async (_name, metadata) => {
      // Prepare
      const thrown = Object.assign(new Error('failed'), metadata === undefined ? {} : { $metadata: metadata });
      const { sqs } = scriptedSqs(() => thrown);

      // Act
      const error = await rejection(new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', [aMessage(0), aMessage(1)]));

      // Assert
      expect(error.ambiguousDeduplicationIds).toEqual(['d0', 'd1']);
      expect(error.notQueuedDeduplicationIds).toEqual([]);
    });

    it("a sender fault: the rejected entry is not queued, the rest of its call is", async () => {
      // Prepare
      const { sqs } = scriptedSqs(failIds(['m0'], true));

      // Act
      const error = await rejection(new SqsEventPublisher(sqs, QUEUE_URLS, fast).publish('inbound-events', [aMessage(0), aMessage(1)]));

      // Assert
      expect(error).toMatchObject({ code: 'QUEUE_PUBLISH_REJECTED', queuedDeduplicationIds: ['d1'], ambiguousDeduplicationIds: [], notQueuedDeduplicationIds: ['d0'] });
    });
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
