import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { LambdaQueuePoller } from '../../src/queue-poller';
import { waitFor } from '../../src/wait-for';

jest.setTimeout(60_000);

const depth = async (sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> => {
  const { Attributes: attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
};

const sendAll = async (sqs: SQSClient, queueUrl: string, messages: { body: string; group: string }[]): Promise<void> => {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({
        Id: String(index),
        MessageBody: message.body,
        MessageGroupId: message.group,
        MessageDeduplicationId: `${message.body}-${randomBytes(4).toString('hex')}`,
      })),
    }),
  );
};

describe('LambdaQueuePoller against the emulator', () => {
  let emulator: RunningEmulator;
  let sqs: SQSClient;
  let s3: S3Client;
  const pollers: LambdaQueuePoller[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    s3 = createS3Client({ endpoint: emulator.endpoint });
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  });

  afterAll(async () => {
    sqs.destroy();
    s3.destroy();
    await emulator.stop();
  });

  /** A fresh queue pair per test: visibility 1 s so failures come back quickly, maxReceiveCount 2. */
  const freshQueues = () =>
    createGatewayResources({
      sqs,
      s3,
      bucket: `poller-${randomBytes(4).toString('hex')}`,
      namePrefix: `t${randomBytes(4).toString('hex')}-`,
      overrides: { 'inbound-events': { maxReceiveCount: 2, visibilityTimeoutSeconds: 1 } },
    });

  it('deletes the records that succeeded, redelivers the failed one, and dead-letters it after maxReceiveCount', async () => {
    // Prepare
    const { queueUrls, dlqUrls } = await freshQueues();
    const seen: SQSRecord[] = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(...event.Records);
      return { batchItemFailures: event.Records.filter((record) => record.body === 'poison').map((record) => ({ itemIdentifier: record.messageId })) };
    };
    const poller = new LambdaQueuePoller({ sqs, queueUrl: queueUrls['inbound-events'], handler, functionName: 'spec-writer', waitTimeSeconds: 1 });
    pollers.push(poller);
    await sendAll(sqs, queueUrls['inbound-events'], [
      { body: 'good-1', group: 'conversation-a' },
      { body: 'poison', group: 'conversation-b' },
      { body: 'good-2', group: 'conversation-c' },
    ]);

    // Act
    await poller.start();
    await waitFor(async () => ((await depth(sqs, dlqUrls['inbound-events'])).visible === 1 ? true : undefined), { what: 'the poison message in the DLQ' });

    // Assert
    const bodies = seen.map((record) => record.body);
    expect(bodies.filter((body) => body === 'good-1')).toHaveLength(1);
    expect(bodies.filter((body) => body === 'good-2')).toHaveLength(1);
    const poisonDeliveries = seen.filter((record) => record.body === 'poison');
    expect(poisonDeliveries.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(await depth(sqs, queueUrls['inbound-events'])).toEqual({ visible: 0, inFlight: 0 });
    const { Messages: dead = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrls['inbound-events'], MaxNumberOfMessages: 10 }));
    expect(dead.map((message) => message.Body)).toEqual(['poison']);
    expect(poller.counters).toMatchObject({ received: 4, succeeded: 2, failed: 2 });
  });

  it('builds records the way Lambda does, with the FIFO attributes', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const seen: SQSRecord[] = [];
    const poller = new LambdaQueuePoller({
      sqs,
      queueUrl: queueUrls['inbound-events'],
      handler: async (event) => {
        seen.push(...event.Records);
      },
      functionName: 'spec-writer',
      waitTimeSeconds: 1,
    });
    await poller.start();
    pollers.push(poller);

    // Act
    await sendAll(sqs, queueUrls['inbound-events'], [{ body: '{"hello":"world"}', group: 'acme:100:155' }]);
    const record = await waitFor(async () => seen[0], { what: 'the record' });

    // Assert
    expect(record.eventSource).toBe('aws:sqs');
    expect(record.eventSourceARN).toMatch(/inbound-events\.fifo$/);
    expect(record.awsRegion).toBe('us-east-1');
    expect(record.body).toBe('{"hello":"world"}');
    expect(record.attributes).toMatchObject({ ApproximateReceiveCount: '1', MessageGroupId: 'acme:100:155' });
    expect(record.attributes.MessageDeduplicationId).toMatch(/^\{"hello":"world"\}-/);
    expect(record.attributes.SequenceNumber).toEqual(expect.any(String));
    expect(record.attributes.SentTimestamp).toEqual(expect.any(String));
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  });

  it('leaves the whole batch on the queue when the handler throws', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    const deliveries: string[][] = [];
    const handler = async (event: SQSEvent): Promise<void> => {
      deliveries.push(event.Records.map((record) => `${record.body}#${record.attributes.ApproximateReceiveCount}`));
      if (deliveries.length === 1) throw new Error('database down');
    };
    const poller = new LambdaQueuePoller({ sqs, queueUrl: queueUrls['inbound-events'], handler, functionName: 'spec-writer', waitTimeSeconds: 1 });
    pollers.push(poller);
    await sendAll(sqs, queueUrls['inbound-events'], [
      { body: 'one', group: 'g1' },
      { body: 'two', group: 'g2' },
    ]);

    // Act
    await poller.start();
    await waitFor(async () => (poller.counters.succeeded === 2 ? true : undefined), { what: 'the retried batch to succeed' });

    // Assert
    expect(deliveries[0]!.sort()).toEqual(['one#1', 'two#1']);
    expect(deliveries.slice(1).flat().sort()).toEqual(['one#2', 'two#2']);
    expect(poller.counters.invocationErrors).toBe(1);
    expect(await depth(sqs, queueUrls['inbound-events'])).toEqual({ visible: 0, inFlight: 0 });
  });

  it('waits for the batch in flight before stop() resolves', async () => {
    // Prepare
    const { queueUrls } = await freshQueues();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    const poller = new LambdaQueuePoller({
      sqs,
      queueUrl: queueUrls['inbound-events'],
      handler: async () => {
        started = true;
        await gate;
        finished = true;
      },
      functionName: 'spec-writer',
      waitTimeSeconds: 1,
    });
    await poller.start();
    await sendAll(sqs, queueUrls['inbound-events'], [{ body: 'slow', group: 'g' }]);
    await waitFor(async () => (started ? true : undefined), { what: 'the handler to start' });

    // Act
    const stopping = poller.stop();
    release();
    await stopping;

    // Assert
    expect(finished).toBe(true);
    expect(poller.counters.succeeded).toBe(1);
    expect(await depth(sqs, queueUrls['inbound-events'])).toEqual({ visible: 0, inFlight: 0 });
  });
});
