import type { SQSClient } from '@aws-sdk/client-sqs';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';

export interface DrainedMessage {
  body: string;
  groupId: string;
  deduplicationId: string;
}

/**
 * Receives and deletes messages until `expected` have come (bounded by calls, not time: FIFO hands out
 * one group's messages in order, a batch at a time), then checks that nothing else is left.
 */
export const drainQueue = async (sqs: SQSClient, queueUrl: string, expected: number): Promise<DrainedMessage[]> => {
  const drained: DrainedMessage[] = [];
  for (let call = 0; call < expected + 10 && drained.length < expected; call += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    for (const message of Messages) {
      drained.push({
        body: message.Body ?? '',
        groupId: message.Attributes?.MessageGroupId ?? '',
        deduplicationId: message.Attributes?.MessageDeduplicationId ?? '',
      });
    }
    if (Messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
  const { Messages: rest = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  if (rest.length > 0) throw new Error(`${rest.length} more messages than the ${expected} expected`);
  return drained;
};
