import type { SQSRecord } from 'aws-lambda';
import { LambdaQueuePoller, functionTimeoutWithin, settleBatch, toSqsRecord } from '../../src/queue-poller';
import type { SQSClient } from '@aws-sdk/client-sqs';

const record = (messageId: string): SQSRecord =>
  toSqsRecord({ MessageId: messageId, ReceiptHandle: `rh-${messageId}`, Body: '{}', MD5OfBody: 'x' }, 'arn:q', 'us-east-1');

describe('SQS records like Lambda builds them', () => {
  it('maps system and message attributes to the Lambda record shape', () => {
    // Act
    const built = toSqsRecord(
      {
        MessageId: 'm1',
        ReceiptHandle: 'rh1',
        Body: '{"a":1}',
        MD5OfBody: 'md5',
        Attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1760000000000',
          SenderId: '000000000000',
          ApproximateFirstReceiveTimestamp: '1760000000001',
          SequenceNumber: '18849496460467696128',
          MessageGroupId: 'acme:100:155',
          MessageDeduplicationId: 'msg:meta:100:wamid.1',
        },
        MessageAttributes: { trace: { DataType: 'String', StringValue: 'abc' }, blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2]) } },
      },
      'arn:aws:sqs:us-east-1:000000000000:inbound-events.fifo',
      'us-east-1',
    );

    // Assert
    expect(built).toEqual({
      messageId: 'm1',
      receiptHandle: 'rh1',
      body: '{"a":1}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1760000000000',
        SenderId: '000000000000',
        ApproximateFirstReceiveTimestamp: '1760000000001',
        SequenceNumber: '18849496460467696128',
        MessageGroupId: 'acme:100:155',
        MessageDeduplicationId: 'msg:meta:100:wamid.1',
      },
      messageAttributes: {
        trace: { stringValue: 'abc', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: 'AQI=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:inbound-events.fifo',
      awsRegion: 'us-east-1',
    });
  });
});

describe('settling a batch from a ReportBatchItemFailures response', () => {
  const records = [record('a'), record('b'), record('c')];

  it('treats no response as every record succeeded', () => {
    const settled = settleBatch(records, undefined);
    expect(settled.succeeded.map((r) => r.messageId)).toEqual(['a', 'b', 'c']);
    expect(settled.failed).toEqual([]);
  });

  it('keeps only the listed records as failed', () => {
    const settled = settleBatch(records, { batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }] });
    expect(settled.succeeded.map((r) => r.messageId)).toEqual(['a']);
    expect(settled.failed.map((r) => r.messageId)).toEqual(['b', 'c']);
  });

  it('fails the whole batch when an identifier is not in it, as Lambda does', () => {
    const settled = settleBatch(records, { batchItemFailures: [{ itemIdentifier: 'zzz' }] });
    expect(settled.valid).toBe(false);
    expect(settled.succeeded).toEqual([]);
    expect(settled.failed).toHaveLength(3);
  });

  it('fails the whole batch on an empty identifier', () => {
    expect(settleBatch(records, { batchItemFailures: [{ itemIdentifier: '' }] }).valid).toBe(false);
  });
});

describe('poller options', () => {
  const sqs = {} as SQSClient;
  const handler = async () => undefined;

  it('refuses a batch size above the FIFO limit of 10', () => {
    expect(() => new LambdaQueuePoller({ sqs, queueUrl: 'q', handler, functionName: 'f', batchSize: 11 })).toThrow(RangeError);
  });

  it('refuses a long-poll wait above 20 seconds', () => {
    expect(() => new LambdaQueuePoller({ sqs, queueUrl: 'q', handler, functionName: 'f', waitTimeSeconds: 21 })).toThrow(RangeError);
  });
});

describe('function timeout within the visibility timeout', () => {
  it('keeps 5 s of margin, or half the visibility timeout when that is shorter than 10 s', () => {
    expect([30, 90, 10, 2].map(functionTimeoutWithin)).toEqual([25_000, 85_000, 5_000, 1_000]);
  });

  it('gives the handler less time than the visibility timeout of the messages it receives', async () => {
    // Prepare: an SQS stand-in that answers one receive with one message
    const remaining: number[] = [];
    const sqs = {
      send: async (command: { input: Record<string, unknown> }) =>
        'MaxNumberOfMessages' in command.input ? { Messages: [{ MessageId: 'm1', ReceiptHandle: 'rh1', Body: '{}' }] } : { Failed: [] },
    } as unknown as SQSClient;
    const poller = new LambdaQueuePoller({
      sqs,
      queueUrl: 'q',
      functionName: 'f',
      visibilityTimeoutSeconds: 10,
      handler: async (_event, context) => {
        remaining.push(context.getRemainingTimeInMillis());
      },
    });

    // Act
    await poller.pollOnce();

    // Assert
    expect(remaining).toHaveLength(1);
    expect(remaining[0]).toBeLessThanOrEqual(5_000);
  });
});
