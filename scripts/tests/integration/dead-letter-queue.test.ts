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

  const clients: SQSClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.destroy()));

  /** An SQS client on the emulator whose `commandName` calls fail (at most `times` times) when `when` says so. */
  const failingClient = (commandName: string, when: (input: Record<string, unknown>) => boolean, times = Number.POSITIVE_INFINITY): SQSClient => {
    const client = createSqsClient({ endpoint: emulator.endpoint });
    let left = times;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === commandName && left > 0 && when(args.input as Record<string, unknown>)) {
          left -= 1;
          throw new Error(`${commandName} refused by the test`);
        }
        return next(args);
      },
      { step: 'initialize', name: 'failSome' },
    );
    clients.push(client);
    return client;
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

    // Act
    const result = await redriveDeadLetters(sqs, {
      dlqUrl: resources.dlqUrls['inbound-events'],
      sourceUrl: resources.queueUrls['inbound-events'],
    });

    // Assert
    expect(result.failed).toEqual([]);
    expect(result.replayed).toHaveLength(3);
    expect(await approximateCount(sqs, resources.dlqUrls['inbound-events'])).toBe(0);
    const moved = await drain(resources.queueUrls['inbound-events']);
    expect(moved.filter((message) => message.group === 'acme:100:155').map((message) => message.body)).toEqual(['{"n":1}', '{"n":2}']);
    const third = result.replayed.find((replayed) => replayed.groupId === 'acme:100:166');
    expect(moved.find((message) => message.body === '{"n":3}')).toEqual({
      body: '{"n":3}',
      group: 'acme:100:166',
      dedup: replayDeduplicationId('msg:meta:100:wamid.3', third?.messageId ?? ''),
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

  it('leaves a message that could not be re-sent and every later message of its group on the DLQ, in order', async () => {
    // Prepare: n2 cannot be re-sent; n3 (same group) must not overtake it, g2 is not held up
    await deadLetter('{"n":1}', 'g1', 'd1');
    await deadLetter('{"n":2}', 'g1', 'd2');
    await deadLetter('{"n":3}', 'g1', 'd3');
    await deadLetter('{"n":4}', 'g2', 'd4');
    const flaky = failingClient('SendMessageCommand', (input) => input.MessageBody === '{"n":2}');

    // Act
    const result = await redriveDeadLetters(flaky, { dlqUrl: resources.dlqUrls['inbound-events'], sourceUrl: resources.queueUrls['inbound-events'] });

    // Assert
    expect(result.failed).toEqual([{ messageId: expect.any(String), reason: 'SendMessageCommand refused by the test' }]);
    expect((await drain(resources.queueUrls['inbound-events'])).map((message) => message.body).sort()).toEqual(['{"n":1}', '{"n":4}']);
    expect((await drain(resources.dlqUrls['inbound-events'])).map((message) => message.body)).toEqual(['{"n":2}', '{"n":3}']);
  });

  it('reports a dead letter it could not delete, finishes the run, and a second run does not deliver it twice', async () => {
    // Prepare: the first delete of n1 fails after its copy was queued
    await deadLetter('{"n":1}', 'g1', 'd1');
    await deadLetter('{"n":2}', 'g2', 'd2');
    const flaky = failingClient('DeleteMessageCommand', () => true, 1);
    const options = { dlqUrl: resources.dlqUrls['inbound-events'], sourceUrl: resources.queueUrls['inbound-events'] };

    // Act
    const first = await redriveDeadLetters(flaky, options);
    const second = await redriveDeadLetters(sqs, options);

    // Assert
    expect(first.replayed).toHaveLength(1);
    expect(first.failed).toEqual([{ messageId: expect.any(String), reason: expect.stringContaining('not deleted from the DLQ') }]);
    expect(second.replayed.map((replayed) => replayed.messageId)).toEqual([first.failed[0]?.messageId]);
    expect(await approximateCount(sqs, resources.dlqUrls['inbound-events'])).toBe(0);
    expect((await drain(resources.queueUrls['inbound-events'])).map((message) => message.body).sort()).toEqual(['{"n":1}', '{"n":2}']);
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
