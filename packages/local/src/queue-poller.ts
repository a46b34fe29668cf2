import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { createLambdaContext } from './lambda-context';
import { errorFields, silentLogger } from './local-logger';
import type { LocalLogger } from './local-logger';

/** An SQS-triggered Lambda handler (with ReportBatchItemFailures, it may return the failed records). */
export type SqsLambdaHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | undefined>;

export interface LambdaQueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: SqsLambdaHandler;
  /** Lambda function name (context, logs). */
  functionName: string;
  /** 1–10 (FIFO event source mappings allow at most 10). Default 10. */
  batchSize?: number;
  /** Long-poll wait, 0–20 s. stop() waits for a running poll, so local mode keeps it short. Default 2. */
  waitTimeSeconds?: number;
  /** Overrides the queue's VisibilityTimeout for received messages. */
  visibilityTimeoutSeconds?: number;
  /** Parallel pollers, like an event source mapping's concurrency. Default 1. */
  concurrency?: number;
  /**
   * The handler's timeout, reported by context.getRemainingTimeInMillis(). Keep it below the queue's
   * visibility timeout (see functionTimeoutWithin). Default: within visibilityTimeoutSeconds when
   * that is set, else 25 s (within SQS's default visibility timeout of 30 s).
   */
  functionTimeoutMs?: number;
  region?: string;
  logger?: LocalLogger;
}

export interface PollerCounters {
  /** Messages handed to the handler. */
  received: number;
  /** Messages deleted after the handler accepted them. */
  succeeded: number;
  /** Messages left on the queue (listed in batchItemFailures, or in a batch whose invocation failed). */
  failed: number;
  batches: number;
  /** Invocations that threw (or returned an invalid batch response). */
  invocationErrors: number;
}

const SYSTEM_ATTRIBUTE_ORDER = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'AWSTraceHeader',
] as const;

const toRecordAttributes = (attributes: Record<string, string> | undefined): SQSRecordAttributes => {
  const source = attributes ?? {};
  const result: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTE_ORDER) {
    if (source[name] !== undefined) result[name] = source[name];
  }
  for (const [name, value] of Object.entries(source)) result[name] ??= value;
  return result as unknown as SQSRecordAttributes;
};

const toBase64 = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : Buffer.from(value).toString('base64');

/** Lambda's shape of message attributes: camelCase, binary values base64, list fields always present. */
const toRecordMessageAttributes = (attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes => {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    const binaryValue = toBase64(value.BinaryValue);
    result[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(binaryValue === undefined ? {} : { binaryValue }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return result;
};

/** One received message as the record Lambda's SQS event source puts in the event. */
export const toSqsRecord = (message: Message, queueArn: string, region: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: toRecordAttributes(message.Attributes),
  messageAttributes: toRecordMessageAttributes(message.MessageAttributes),
  md5OfBody: message.MD5OfBody ?? '',
  ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: region,
});

/**
 * Which records of a batch succeeded, read the way Lambda reads a ReportBatchItemFailures response:
 * no response or an empty list = all succeeded; an identifier that is empty or not in the batch makes
 * the whole batch a failure.
 */
export const settleBatch = (
  records: readonly SQSRecord[],
  response: SQSBatchResponse | void | undefined,
): { succeeded: SQSRecord[]; failed: SQSRecord[]; valid: boolean } => {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) return { succeeded: [], failed: [...records], valid: false };
    failedIds.add(id);
  }
  return {
    succeeded: records.filter((record) => !failedIds.has(record.messageId)),
    failed: records.filter((record) => failedIds.has(record.messageId)),
    valid: true,
  };
};

/**
 * A function timeout strictly below a visibility timeout: an invocation that times out must be over
 * before its messages can be delivered again, or the batch would run twice at once. 5 s of margin,
 * or half the visibility timeout when that is shorter than 10 s.
 */
export const functionTimeoutWithin = (visibilityTimeoutSeconds: number): number => {
  const visibilityMs = visibilityTimeoutSeconds * 1000;
  return Math.max(visibilityMs - 5000, visibilityMs / 2);
};

const DEFAULT_FUNCTION_TIMEOUT_MS = functionTimeoutWithin(30);


/** Like Lambda's function timeout: the invocation counts as failed (the work itself cannot be killed here). */
const withTimeout = async <T>(work: Promise<T>, timeoutMs: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`invocation timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Emulates a Lambda SQS event source mapping (FIFO, ReportBatchItemFailures): receive up to batchSize,
 * invoke, delete what succeeded, leave the rest to reappear after the visibility timeout. The queue's
 * own RedrivePolicy moves a message to its DLQ once maxReceiveCount is exceeded.
 */
export class LambdaQueuePoller {
  readonly counters: PollerCounters = { received: 0, succeeded: 0, failed: 0, batches: 0, invocationErrors: 0 };

  private readonly options: Required<Omit<LambdaQueuePollerOptions, 'visibilityTimeoutSeconds'>> &
    Pick<LambdaQueuePollerOptions, 'visibilityTimeoutSeconds'>;
  private queueArn: string | undefined;
  private loops: Promise<void>[] = [];
  private running = false;

  constructor(options: LambdaQueuePollerOptions) {
    const batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) throw new RangeError('batchSize must be 1–10');
    const waitTimeSeconds = options.waitTimeSeconds ?? 2;
    if (waitTimeSeconds < 0 || waitTimeSeconds > 20) throw new RangeError('waitTimeSeconds must be 0–20');
    this.options = {
      batchSize,
      waitTimeSeconds,
      concurrency: Math.max(1, options.concurrency ?? 1),
      functionTimeoutMs:
        options.functionTimeoutMs ??
        (options.visibilityTimeoutSeconds === undefined ? DEFAULT_FUNCTION_TIMEOUT_MS : functionTimeoutWithin(options.visibilityTimeoutSeconds)),
      region: options.region ?? 'us-east-1',
      logger: options.logger ?? silentLogger,
      sqs: options.sqs,
      queueUrl: options.queueUrl,
      handler: options.handler,
      functionName: options.functionName,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const attributes = await this.options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.options.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    this.queueArn = attributes.Attributes?.QueueArn ?? this.options.queueUrl;
    this.running = true;
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop());
  }

  /** Stops receiving; resolves once every in-flight batch has been handled and settled. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Receives and handles one batch; false when the queue had nothing. Used by the loop and by tests. */
  async pollOnce(): Promise<boolean> {
    const { sqs, queueUrl, batchSize, waitTimeSeconds, visibilityTimeoutSeconds } = this.options;
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...(visibilityTimeoutSeconds === undefined ? {} : { VisibilityTimeout: visibilityTimeoutSeconds }),
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return false;
    await this.invoke(messages);
    return true;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        // While stopping, the emulator may already be gone: not worth a line.
        if (!this.running) break;
        this.options.logger.error({ ...errorFields(error), queueUrl: this.options.queueUrl }, 'queue poll failed');
        await sleep(1000);
      }
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const { logger, functionName, region } = this.options;
    const records = messages.map((message) => toSqsRecord(message, this.queueArn ?? '', region));
    this.counters.received += records.length;
    this.counters.batches += 1;

    let response: SQSBatchResponse | void | undefined;
    try {
      response = await withTimeout(
        this.options.handler(
          { Records: records },
          createLambdaContext({ functionName, region, timeoutMs: this.options.functionTimeoutMs }),
        ),
        this.options.functionTimeoutMs,
      );
    } catch (error) {
      // Lambda retries the whole batch: nothing is deleted.
      this.counters.invocationErrors += 1;
      this.counters.failed += records.length;
      logger.error({ ...errorFields(error), functionName, records: records.length }, 'invocation failed; batch left on the queue');
      return;
    }

    const { succeeded, failed, valid } = settleBatch(records, response);
    if (!valid) {
      this.counters.invocationErrors += 1;
      logger.error({ functionName }, 'invalid batchItemFailures; batch left on the queue');
    }
    await this.deleteRecords(succeeded);
    this.counters.succeeded += succeeded.length;
    this.counters.failed += failed.length;
    if (failed.length > 0) {
      logger.warn({ functionName, failed: failed.length, of: records.length }, 'batch item failures left on the queue');
    }
  }

  private async deleteRecords(records: readonly SQSRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += 10) {
      const chunk = records.slice(start, start + 10);
      const result = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        this.options.logger.error(
          { functionName: this.options.functionName, failed: result.Failed.map((entry) => entry.Code) },
          'delete after success failed; the messages will be delivered again',
        );
      }
    }
  }
}
