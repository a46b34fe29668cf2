import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { runBounded } from './stats';

export interface QueueFloorResult {
  messages: number;
  seconds: number;
  /** Messages sent, received and deleted per second (batches of 10, producer and consumer running together). */
  perSecond: number;
}

const BATCH = 10;
const GROUPS = 10;

const BODY = JSON.stringify({ schema: 'inbound-message.v1', padding: 'x'.repeat(900) });

const consumeAll = async (sqs: SQSClient, queueUrl: string, messages: number): Promise<void> => {
  let done = 0;
  while (done < messages) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: BATCH, WaitTimeSeconds: 1 }));
    const batch = received.Messages ?? [];
    if (batch.length === 0) continue;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
      }),
    );
    done += batch.length;
  }
};

const withFloorQueue = async <T>(sqs: SQSClient, run: (queueUrl: string) => Promise<T>): Promise<T> => {
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: `bench-floor-${randomUUID().slice(0, 8)}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' },
    }),
  );
  const queueUrl = created.QueueUrl;
  if (queueUrl === undefined) throw new Error('CreateQueue returned no URL');
  try {
    return await run(queueUrl);
  } finally {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  }
};

/**
 * The emulator's own ceiling for what the inbound path does per message: send, receive, delete, in
 * batches of 10, on a FIFO queue shaped like inbound-events.fifo (many groups), with a producer and a
 * consumer running at the same time as the receiver and the writer's poller do.
 */
export const benchQueueFloor = (sqs: SQSClient, messages: number): Promise<QueueFloorResult> =>
  withFloorQueue(sqs, async (queueUrl) => {
    const start = process.hrtime.bigint();
    const produce = async (): Promise<void> => {
      for (let sent = 0; sent < messages; sent += BATCH) {
        const count = Math.min(BATCH, messages - sent);
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Array.from({ length: count }, (_, index) => ({
              Id: String(index),
              MessageBody: BODY,
              MessageGroupId: `group-${(sent + index) % GROUPS}`,
              MessageDeduplicationId: `floor-${sent + index}`,
            })),
          }),
        );
      }
    };
    await Promise.all([produce(), consumeAll(sqs, queueUrl, messages)]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { messages, seconds, perSecond: messages / seconds };
  });

/**
 * The emulator work one single-message webhook needs at the least, without any gateway code: archive
 * the body (S3 put), publish one message, and the consumer's batched receive + delete. Producers run
 * `concurrency` at a time, like concurrent webhook requests.
 */
export const benchWebhookShapedFloor = (
  sqs: SQSClient,
  s3: S3Client,
  bucket: string,
  messages: number,
  concurrency: number,
): Promise<QueueFloorResult> =>
  withFloorQueue(sqs, async (queueUrl) => {
    const start = process.hrtime.bigint();
    const produce = runBounded(messages, concurrency, async (index) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `bench-floor/${queueUrl.length}-${index}.json`, Body: BODY, ContentType: 'application/json' }));
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [{ Id: '0', MessageBody: BODY, MessageGroupId: `group-${index % GROUPS}`, MessageDeduplicationId: `floor-${index}` }],
        }),
      );
    });
    await Promise.all([produce, consumeAll(sqs, queueUrl, messages)]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { messages, seconds, perSecond: messages / seconds };
  });
