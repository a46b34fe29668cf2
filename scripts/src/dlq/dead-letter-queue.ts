import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { fifoId } from '@wagw/core/ids';
import { describeError } from '@wagw/core/errors';

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
  /**
   * Messages that could not be re-sent, or were re-sent but could not be deleted (the reason says
   * which); they stay on the DLQ (made visible again), and so do the later messages of a group whose
   * message could not be re-sent.
   */
  failed: { messageId: string; reason: string }[];
}

export interface RedriveOptions {
  dlqUrl: string;
  sourceUrl: string;
  /** Stop after this many messages (default: until the DLQ is empty). */
  max?: number;
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
 * the original was sent within the last five minutes. It is derived from the DLQ message's id, so a
 * second replay of the same dead letter (its delete failed, or the run was repeated) within five
 * minutes is dropped as a duplicate instead of being delivered twice.
 */
export const replayDeduplicationId = (original: string, dlqMessageId: string): string => fifoId(original, 'replay', dlqMessageId);


/**
 * Moves dead letters back to their source queue, one at a time in DLQ order (which keeps each
 * group's order): re-send with the same group id and body, then delete from the DLQ. A message is
 * deleted only after its copy is durably on the source queue. When a message cannot be re-sent,
 * every later message of its group stays on the DLQ untouched, so nothing overtakes it. Messages
 * left on the DLQ are held in flight until the run ends (so receives reach the other groups), then
 * made visible again. SQS's StartMessageMoveTask would do this in AWS, but fauxqs does not
 * implement it, and this works against both.
 */
export const redriveDeadLetters = async (sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> => {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { replayed: [], failed: [] };
  const settled = new Set<string>();
  const blockedGroups = new Set<string>();
  // By message id: a message received again (its visibility ran out) is released with its newest handle.
  const held = new Map<string, Message>();
  const fail = (message: Message, letter: DeadLetter, reason: string): void => {
    settled.add(letter.messageId);
    held.set(letter.messageId, message);
    result.failed.push({ messageId: letter.messageId, reason });
  };

  try {
    for (;;) {
      const batch = await receive(sqs, options.dlqUrl, LISTING_VISIBILITY_SECONDS);
      let progressed = false;
      for (const message of batch) {
        const letter = toDeadLetter(message);
        const blocked = letter.groupId !== undefined && blockedGroups.has(letter.groupId);
        if (settled.has(letter.messageId) || blocked || result.replayed.length >= max) {
          held.set(letter.messageId, message);
          continue;
        }
        progressed = true;
        if (letter.groupId === undefined) {
          fail(message, letter, 'no MessageGroupId (not a FIFO message)');
          continue;
        }
        const deduplicationId = replayDeduplicationId(letter.deduplicationId ?? letter.messageId, letter.messageId);
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
          blockedGroups.add(letter.groupId);
          fail(message, letter, describeError(error));
          continue;
        }
        try {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: options.dlqUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
        } catch (error) {
          // The copy is queued, so the group's later messages may follow it; replaying this one again
          // within five minutes is deduplicated (same replay id).
          fail(message, letter, `re-sent (dedup ${deduplicationId}) but not deleted from the DLQ: ${describeError(error)}`);
          continue;
        }
        result.replayed.push({ messageId: letter.messageId, groupId: letter.groupId, deduplicationId });
      }
      if (!progressed || result.replayed.length >= max) break;
    }
  } finally {
    // Best effort: what is not released becomes visible again when its visibility timeout ends.
    await release(sqs, options.dlqUrl, [...held.values()]).catch(() => undefined);
  }
  return result;
};
