import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** MessageGroupId (FIFO queues). */
  groupId?: string;
  deduplicationId?: string;
  /** ApproximateReceiveCount, this delivery included. */
  receiveCount: number;
  sequenceNumber?: string;
  /** Every system attribute as SQS returned it (for building Lambda-shaped records). */
  attributes: Record<string, string>;
  md5OfBody: string;
}

export interface ReceiveOptions {
  /** 1–10; default 10. */
  maxMessages?: number;
  /** Long polling, 0–20 s; default 0. */
  waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for these messages. */
  visibilityTimeout?: number;
}

export interface RawMessage {
  body: string;
  groupId?: string;
  deduplicationId?: string;
}

export interface QueueCounts {
  /** ApproximateNumberOfMessages */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed */
  delayed: number;
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
};

/** Thin SQS operations for local pollers and ops scripts (the services publish through SqsEventPublisher). */
export class SqsQueueReader {
  constructor(private readonly sqs: SQSClient) {}

  async receive(queueUrl: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const response = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.maxMessages ?? 10,
        WaitTimeSeconds: options.waitTimeSeconds ?? 0,
        ...(options.visibilityTimeout === undefined ? {} : { VisibilityTimeout: options.visibilityTimeout }),
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return (response.Messages ?? []).map((message) => {
      const attributes: Record<string, string> = { ...(message.Attributes ?? {}) };
      return {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        groupId: attributes.MessageGroupId,
        deduplicationId: attributes.MessageDeduplicationId,
        receiveCount: Number(attributes.ApproximateReceiveCount ?? '1'),
        sequenceNumber: attributes.SequenceNumber,
        attributes,
        md5OfBody: message.MD5OfBody ?? '',
      };
    });
  }

  /** Deletes by receipt handle, 10 per call; resolves with the receipt handles SQS did not delete. */
  async deleteBatch(queueUrl: string, receiptHandles: readonly string[]): Promise<string[]> {
    const failed: string[] = [];
    for (const chunk of chunksOf(receiptHandles, 10)) {
      const response = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((receiptHandle, index) => ({ Id: `d${index}`, ReceiptHandle: receiptHandle })),
        }),
      );
      for (const failure of response.Failed ?? []) {
        const handle = chunk[Number((failure.Id ?? '').slice(1))];
        if (handle !== undefined) failed.push(handle);
      }
    }
    return failed;
  }

  async changeVisibility(queueUrl: string, receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeoutSeconds }),
    );
  }

  /** Same timeout for every handle, 10 per call; resolves with the receipt handles SQS did not change. */
  async changeVisibilityBatch(queueUrl: string, receiptHandles: readonly string[], visibilityTimeoutSeconds: number): Promise<string[]> {
    const failed: string[] = [];
    for (const chunk of chunksOf(receiptHandles, 10)) {
      const response = await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((receiptHandle, index) => ({
            Id: `v${index}`,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: visibilityTimeoutSeconds,
          })),
        }),
      );
      for (const failure of response.Failed ?? []) {
        const handle = chunk[Number((failure.Id ?? '').slice(1))];
        if (handle !== undefined) failed.push(handle);
      }
    }
    return failed;
  }

  /** Sends one message as given (e.g. a DLQ redrive); resolves with its MessageId. */
  async send(queueUrl: string, message: RawMessage): Promise<string> {
    const response = await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId }),
        ...(message.deduplicationId === undefined ? {} : { MessageDeduplicationId: message.deduplicationId }),
      }),
    );
    return response.MessageId ?? '';
  }

  async counts(queueUrl: string): Promise<QueueCounts> {
    const attributes = await this.attributes(queueUrl, [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ]);
    return {
      visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** Queue attributes by name (QueueArn, VisibilityTimeout, RedrivePolicy…); default all. */
  async attributes(queueUrl: string, names: readonly string[] = ['All']): Promise<Record<string, string>> {
    const response = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] as GetQueueAttributesCommand['input']['AttributeNames'] }),
    );
    return { ...(response.Attributes ?? {}) };
  }
}
