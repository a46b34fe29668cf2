import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { fifoId } from '@wagw/core/ids';

export interface DeadLetter {
  messageId: string;
  groupId: string | undefined;
  deduplicationId: string | undefined;
  receiveCount: number;
  sentAt: Date | undefined;
  body: string;
}

export interface DeadLetterListing {
  /** The queue's ApproximateNumberOfMessages when the listing started. */
  approximateCount: number;
  messages: DeadLetter[];
}

export interface RedriveResult {
  replayed: { messageId: string; groupId: string; deduplicationId: string }[];
  /** Messages that could not be re-sent; they stay on the DLQ (made visible again). */
  failed: { messageId: string; reason: string }[];
}

export interface RedriveOptions {
  dlqUrl: string;
  sourceUrl: string;
  /** Stop after this many messages (default: until the DLQ is empty). */
  max?: number;
  now?: () => Date;
}

const LISTING_VISIBILITY_SECONDS = 30;

const toDeadLetter = (message: Message): DeadLetter => {
  const attributes = message.Attributes ?? {};
  const sent = attributes.SentTimestamp === undefined ? undefined : new Date(Number(attributes.SentTimestamp));
  return {
    messageId: message.MessageId ?? '',
    groupId: attributes.MessageGroupId,
    deduplicationId: attributes.MessageDeduplicationId,
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    sentAt: sent,
    body: message.Body ?? '',
  };
};

const receive = async (sqs: SQSClient, queueUrl: string, visibilityTimeout: number): Promise<Message[]> => {
  const { Messages: messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: visibilityTimeout,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return messages;
};

const release = async (sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> => {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '', VisibilityTimeout: 0 })),
      }),
    );
  }
};

export const approximateCount = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes: attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(attributes.ApproximateNumberOfMessages ?? 0);
};

/**
 * Shows what sits on a DLQ without removing it: messages are received, then made visible again. On a
 * FIFO queue a receive returns no message of a group while an earlier one of that group is in
 * flight, so the listing may show only the first message of each group; `approximateCount` tells
 * how many there are in all.
 */
export const listDeadLetters = async (sqs: SQSClient, dlqUrl: string, options: { max?: number } = {}): Promise<DeadLetterListing> => {
  const max = options.max ?? 100;
  const count = await approximateCount(sqs, dlqUrl);
  const held: Message[] = [];
  try {
    while (held.length < max) {
      const batch = await receive(sqs, dlqUrl, LISTING_VISIBILITY_SECONDS);
      if (batch.length === 0) break;
      held.push(...batch);
    }
  } finally {
    await release(sqs, dlqUrl, held);
  }
  return { approximateCount: count, messages: held.slice(0, max).map(toDeadLetter) };
};

/**
 * A dedup id for the replayed copy: the original one would be swallowed by FIFO deduplication if
 * the original was sent within the last five minutes.
 */
export const replayDeduplicationId = (original: string, replayedAt: Date): string => fifoId(original, `replay-${replayedAt.getTime()}`);

/**
 * Moves dead letters back to their source queue, one at a time in DLQ order (which keeps each
 * group's order): re-send with the same group id and body, then delete from the DLQ. A message is
 * deleted only after its copy is durably on the source queue. SQS's StartMessageMoveTask would do
 * this in AWS, but fauxqs does not implement it, and this works against both.
 */
export const redriveDeadLetters = async (sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> => {
  const now = options.now ?? (() => new Date());
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { replayed: [], failed: [] };
  const failedIds = new Set<string>();
  while (result.replayed.length < max) {
    const batch = await receive(sqs, options.dlqUrl, LISTING_VISIBILITY_SECONDS);
    const fresh = batch.filter((message) => !failedIds.has(message.MessageId ?? ''));
    if (fresh.length === 0) {
      await release(sqs, options.dlqUrl, batch);
      break;
    }
    const untouched: Message[] = batch.filter((message) => failedIds.has(message.MessageId ?? ''));
    for (const message of fresh) {
      const letter = toDeadLetter(message);
      if (result.replayed.length >= max) {
        untouched.push(message);
        continue;
      }
      if (letter.groupId === undefined) {
        failedIds.add(letter.messageId);
        result.failed.push({ messageId: letter.messageId, reason: 'no MessageGroupId (not a FIFO message)' });
        untouched.push(message);
        continue;
      }
      const deduplicationId = replayDeduplicationId(letter.deduplicationId ?? letter.messageId, now());
      try {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: options.sourceUrl,
            MessageBody: letter.body,
            MessageGroupId: letter.groupId,
            MessageDeduplicationId: deduplicationId,
            ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
          }),
        );
      } catch (error) {
        failedIds.add(letter.messageId);
        result.failed.push({ messageId: letter.messageId, reason: error instanceof Error ? error.message : String(error) });
        untouched.push(message);
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: options.dlqUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
      result.replayed.push({ messageId: letter.messageId, groupId: letter.groupId, deduplicationId });
    }
    await release(sqs, options.dlqUrl, untouched);
  }
  return result;
};
