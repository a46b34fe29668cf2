import { randomBytes } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import type { GatewayResources } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { approximateCount, listDeadLetters, redriveDeadLetters, replayDeduplicationId } from '../../src/dlq/dead-letter-queue';

jest.setTimeout(60_000);

describe('dead-letter queue tools against the emulator', () => {
  let emulator: RunningEmulator;
  let sqs: SQSClient;
  let s3: S3Client;
  let resources: GatewayResources;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    s3 = createS3Client({ endpoint: emulator.endpoint });
  });

  beforeEach(async () => {
    resources = await createGatewayResources({
      sqs,
      s3,
      bucket: `dlq-${randomBytes(4).toString('hex')}`,
      namePrefix: `t${randomBytes(4).toString('hex')}-`,
    });
  });

  afterAll(async () => {
    sqs.destroy();
    s3.destroy();
    await emulator.stop();
  });

  /** Puts messages straight onto the DLQ, as the redrive policy would have after maxReceiveCount. */
  const deadLetter = async (body: string, group: string, dedup: string): Promise<void> => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: resources.dlqUrls['inbound-events'], MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }),
    );
  };

  /** Receives and deletes everything (a FIFO group delivers its next message only after the previous is deleted). */
  const drain = async (queueUrl: string): Promise<{ body: string; group?: string; dedup?: string }[]> => {
    const found: { body: string; group?: string; dedup?: string }[] = [];
    for (;;) {
      const { Messages: messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 60 }),
      );
      if (messages.length === 0) return found;
      for (const message of messages) {
        found.push({ body: message.Body ?? '', group: message.Attributes?.MessageGroupId, dedup: message.Attributes?.MessageDeduplicationId });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
      }
    }
  };

  it('lists dead letters and leaves them on the queue', async () => {
    // Prepare
    await deadLetter('{"n":1}', 'acme:100:155', 'msg:meta:100:wamid.1');
    await deadLetter('{"n":2}', 'acme:100:166', 'msg:meta:100:wamid.2');

    // Act
    const listing = await listDeadLetters(sqs, resources.dlqUrls['inbound-events']);

    // Assert
    expect(listing.approximateCount).toBe(2);
    expect(listing.messages.map((letter) => [letter.groupId, letter.deduplicationId, letter.body]).sort()).toEqual([
      ['acme:100:155', 'msg:meta:100:wamid.1', '{"n":1}'],
      ['acme:100:166', 'msg:meta:100:wamid.2', '{"n":2}'],
    ]);
    expect(await approximateCount(sqs, resources.dlqUrls['inbound-events'])).toBe(2);
  });

  it('moves every dead letter back to its source queue with its group and a new dedup id, in group order', async () => {
    // Prepare
    await deadLetter('{"n":1}', 'acme:100:155', 'msg:meta:100:wamid.1');
    await deadLetter('{"n":2}', 'acme:100:155', 'msg:meta:100:wamid.2');
    await deadLetter('{"n":3}', 'acme:100:166', 'msg:meta:100:wamid.3');
    const replayedAt = new Date('2025-10-09T09:00:00.000Z');

    // Act
    const result = await redriveDeadLetters(sqs, {
      dlqUrl: resources.dlqUrls['inbound-events'],
      sourceUrl: resources.queueUrls['inbound-events'],
      now: () => replayedAt,
    });

    // Assert
    expect(result.failed).toEqual([]);
    expect(result.replayed).toHaveLength(3);
    expect(await approximateCount(sqs, resources.dlqUrls['inbound-events'])).toBe(0);
    const moved = await drain(resources.queueUrls['inbound-events']);
    expect(moved.filter((message) => message.group === 'acme:100:155').map((message) => message.body)).toEqual(['{"n":1}', '{"n":2}']);
    expect(moved.find((message) => message.body === '{"n":3}')).toEqual({
      body: '{"n":3}',
      group: 'acme:100:166',
      dedup: replayDeduplicationId('msg:meta:100:wamid.3', replayedAt),
    });
  });

  it('is not swallowed by FIFO deduplication when the original id was used moments ago', async () => {
    // Prepare: the original message went through the source queue within the dedup window.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.queueUrls['inbound-events'],
        MessageBody: '{"n":9}',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'msg:meta:100:wamid.9',
      }),
    );
    await drain(resources.queueUrls['inbound-events']);
    await deadLetter('{"n":9}', 'g', 'msg:meta:100:wamid.9');

    // Act
    await redriveDeadLetters(sqs, { dlqUrl: resources.dlqUrls['inbound-events'], sourceUrl: resources.queueUrls['inbound-events'] });

    // Assert
    expect((await drain(resources.queueUrls['inbound-events'])).map((message) => message.body)).toEqual(['{"n":9}']);
  });

  it('stops after max messages and leaves the rest', async () => {
    // Prepare
    await deadLetter('{"n":1}', 'g1', 'd1');
    await deadLetter('{"n":2}', 'g2', 'd2');
    await deadLetter('{"n":3}', 'g3', 'd3');

    // Act
    const result = await redriveDeadLetters(sqs, {
      dlqUrl: resources.dlqUrls['inbound-events'],
      sourceUrl: resources.queueUrls['inbound-events'],
      max: 2,
    });

    // Assert
    expect(result.replayed).toHaveLength(2);
    expect(await approximateCount(sqs, resources.dlqUrls['inbound-events'])).toBe(1);
  });
});
