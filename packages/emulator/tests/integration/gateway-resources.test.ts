import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { localS3, localSqs, queueAttributes, queueCounts, receive, sendFifo } from '../support/local-sdk';
import { GATEWAY_QUEUES, QUEUE_ROLES, createGatewayResources } from '../../src/gateway-resources';
import type { RunningEmulator } from '../../src/start-emulator';
import { startEmulator } from '../../src/start-emulator';

// Each test starts the emulator as a child process, which can be slow on a loaded machine.
jest.setTimeout(30_000);

describe('createGatewayResources', () => {
  let emulator: RunningEmulator;
  let sqs: SQSClient;
  let s3: S3Client;

  beforeAll(async () => {
    emulator = await startEmulator();
    sqs = localSqs(emulator.endpoint);
    s3 = localS3(emulator.endpoint);
  });

  afterAll(async () => {
    sqs.destroy();
    s3.destroy();
    await emulator.stop();
  });

  it('creates every FIFO queue with its DLQ, redrive policy and visibility timeout, and the bucket', async () => {
    // Act
    const resources = await createGatewayResources({ sqs, s3, bucket: 'gw-table', namePrefix: 'table-' });

    // Assert
    for (const role of QUEUE_ROLES) {
      const spec = GATEWAY_QUEUES[role];
      expect(resources.queueUrls[role]).toMatch(new RegExp(`/table-${spec.name.replace('.', '\\.')}$`));
      const queue = await queueAttributes(sqs, resources.queueUrls[role]);
      const dlq = await queueAttributes(sqs, resources.dlqUrls[role]);
      expect(queue).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: String(spec.visibilityTimeoutSeconds) });
      expect(dlq).toMatchObject({ FifoQueue: 'true', QueueArn: expect.stringMatching(new RegExp(`:table-${spec.dlqName.replace('.', '\\.')}$`)) });
      expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlq.QueueArn, maxReceiveCount: spec.maxReceiveCount });
    }
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'gw-table' }))).resolves.toBeDefined();
  });

  it('creates the outbound queue the sender consumes, with room for its back-off retries', async () => {
    // Act
    const resources = await createGatewayResources({ sqs, s3, bucket: 'gw-outbound', namePrefix: 'outbound-' });

    // Assert
    const queue = await queueAttributes(sqs, resources.queueUrls['outbound-messages']);
    const dlq = await queueAttributes(sqs, resources.dlqUrls['outbound-messages']);
    expect(resources.queueUrls['outbound-messages']).toMatch(/\/outbound-outbound-messages\.fifo$/);
    expect(queue).toMatchObject({ FifoQueue: 'true', VisibilityTimeout: '60' });
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlq.QueueArn, maxReceiveCount: 20 });
    expect(dlq.QueueArn).toMatch(/:outbound-outbound-messages-dlq\.fifo$/);
  });

  it('can run twice over the same emulator', async () => {
    // Prepare
    const first = await createGatewayResources({ sqs, s3, bucket: 'gw-twice', namePrefix: 'twice-' });

    // Act
    const second = await createGatewayResources({ sqs, s3, bucket: 'gw-twice', namePrefix: 'twice-' });

    // Assert
    expect(second).toEqual(first);
  });

  it('brings an existing queue in line with a changed table', async () => {
    // Prepare
    await createGatewayResources({ sqs, s3, bucket: 'gw-change', namePrefix: 'change-' });

    // Act
    const changed = await createGatewayResources({
      sqs,
      s3,
      bucket: 'gw-change',
      namePrefix: 'change-',
      overrides: { 'media-jobs': { visibilityTimeoutSeconds: 120, maxReceiveCount: 8 } },
    });

    // Assert
    const media = await queueAttributes(sqs, changed.queueUrls['media-jobs']);
    expect(media.VisibilityTimeout).toBe('120');
    expect(JSON.parse(media.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 8 });
  });

  it('moves a message received maxReceiveCount times without a delete to the DLQ', async () => {
    // Prepare
    const resources = await createGatewayResources({
      sqs,
      s3,
      bucket: 'gw-dlq',
      namePrefix: 'dlq-',
      overrides: { 'inbound-events': { visibilityTimeoutSeconds: 1 } },
    });
    const queueUrl = resources.queueUrls['inbound-events'];
    const maxReceiveCount = GATEWAY_QUEUES['inbound-events'].maxReceiveCount;
    await sendFifo(sqs, queueUrl, { body: '{"poison":true}', groupId: 'conversation-1', deduplicationId: 'poison-1' });

    // Act: each receive hands the message back at once (visibility 0), as a failing consumer would.
    const receiveCounts: number[] = [];
    for (let attempt = 0; attempt <= maxReceiveCount; attempt += 1) {
      const messages = await receive(sqs, queueUrl, { visibilityTimeout: 0 });
      receiveCounts.push(...messages.map((message) => Number(message.Attributes?.ApproximateReceiveCount)));
    }

    // Assert
    expect(receiveCounts).toEqual([1, 2, 3, 4, 5]);
    expect(await queueCounts(sqs, queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const deadLetters = await receive(sqs, resources.dlqUrls['inbound-events']);
    expect(deadLetters.map((message) => [message.Body, message.Attributes?.MessageGroupId])).toEqual([['{"poison":true}', 'conversation-1']]);
  });
});
