import type { SqsQueueReader, ReceivedMessage } from '@wagw/aws/sqs-queue-reader';
import type { OutboundMessageEventV1, SendResultEventV1 } from '@wagw/contracts';
import { conversationGroupId, fifoId } from '@wagw/core/ids';
import type { FifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

const toRecord = (message: ReceivedMessage): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle: message.receiptHandle,
  body: message.body,
  attributes: message.attributes as unknown as SQSRecord['attributes'],
  messageAttributes: {},
  md5OfBody: message.md5OfBody,
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:outbound-messages.fifo',
  awsRegion: 'us-east-1',
});

/**
 * Plays the Lambda event source mapping over the real queue: receive a batch (hidden for
 * `visibilitySeconds`), run the handler, delete what succeeded, leave the failures to reappear.
 */
export class OutboundQueueDriver {
  constructor(
    private readonly reader: SqsQueueReader,
    private readonly outboundUrl: string,
    private readonly statusUrl: string,
    private readonly handler: FifoBatchHandler,
  ) {}

  async enqueue(event: OutboundMessageEventV1): Promise<void> {
    await this.reader.send(this.outboundUrl, {
      body: JSON.stringify(event),
      groupId: conversationGroupId(event.tenantId, event.channelId, event.toId),
      deduplicationId: fifoId('outbound', event.tenantId, event.rowId, String(event.attempt)),
    });
  }

  /** One delivery; `waitSeconds` long-polls for messages that are not visible yet. */
  async deliver(options: { visibilitySeconds?: number; waitSeconds?: number } = {}): Promise<{ messages: ReceivedMessage[]; response: SQSBatchResponse }> {
    const messages = await this.reader.receive(this.outboundUrl, {
      maxMessages: 10,
      waitTimeSeconds: options.waitSeconds ?? 1,
      visibilityTimeout: options.visibilitySeconds ?? 600,
    });
    if (messages.length === 0) return { messages, response: { batchItemFailures: [] } };
    const response = await this.handler({ Records: messages.map(toRecord) });
    const failed = new Set(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier));
    const done = messages.filter((message) => !failed.has(message.messageId)).map((message) => message.receiptHandle);
    if (done.length > 0) await this.reader.deleteBatch(this.outboundUrl, done);
    return { messages, response };
  }

  /** Reads (and deletes) `count` send results from status-events, waiting up to ~10 s for them. */
  async sendResults(count: number): Promise<SendResultEventV1[]> {
    const results: SendResultEventV1[] = [];
    for (let round = 0; round < 10 && results.length < count; round += 1) {
      const messages = await this.reader.receive(this.statusUrl, { maxMessages: 10, waitTimeSeconds: 1 });
      results.push(...messages.map((message) => JSON.parse(message.body) as SendResultEventV1));
      if (messages.length > 0) await this.reader.deleteBatch(this.statusUrl, messages.map((message) => message.receiptHandle));
    }
    return results;
  }
}
