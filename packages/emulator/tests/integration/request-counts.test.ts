import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { localS3, localSqs, receive, sendFifo } from '../support/local-sdk';
import { createGatewayResources } from '../../src/gateway-resources';
import { readRequestCounts, resetRequestCounts, sqsRequestsOn } from '../../src/request-counts';
import type { RunningEmulator } from '../../src/start-emulator';
import { startEmulator } from '../../src/start-emulator';

jest.setTimeout(30_000);

describe('emulator request counts', () => {
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

  it('counts every SQS request by action and queue, and S3 requests by method, from a reset on', async () => {
    // Prepare
    const resources = await createGatewayResources({ sqs, s3, bucket: 'counted' });
    await resetRequestCounts(emulator.endpoint);
    const queueUrl = resources.queueUrls['outbound-messages'];

    // Act
    await sendFifo(sqs, queueUrl, { body: 'one', groupId: 'g', deduplicationId: 'd1' });
    await sendFifo(sqs, queueUrl, { body: 'two', groupId: 'g', deduplicationId: 'd2' });
    await receive(sqs, queueUrl);
    await s3.send(new PutObjectCommand({ Bucket: 'counted', Key: 'a.txt', Body: 'a' }));
    const counts = await readRequestCounts(emulator.endpoint);

    // Assert
    expect(counts.sqs.SendMessage).toEqual({ 'outbound-messages.fifo': 2 });
    expect(sqsRequestsOn(counts, 'outbound-messages.fifo')).toBe(3);
    expect(sqsRequestsOn(counts, 'outbound-messages.fifo', 'ReceiveMessage')).toBe(1);
    expect(sqsRequestsOn(counts, 'inbound-events.fifo')).toBe(0);
    expect(counts.s3).toEqual({ PUT: { requests: 1 } });
  });
});
