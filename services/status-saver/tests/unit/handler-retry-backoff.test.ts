import { createServer } from 'node:net';
import type * as HandlerModule from '../../src/handler';
import { metaReceipt, recordOf } from '../support/builders';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from '../support/fake-aws-endpoint';

/** A TCP port nothing listens on: bound, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

/**
 * The real handler module, its environment pointing at a local fake of the broker Lambda and of SQS.
 * Loaded once in this file's module registry (not jest.isolateModules): the tenant store module is
 * imported lazily, and must share @wagw/core's error classes with the handler.
 */
describe('status-saver handler retry backoff', () => {
  let aws: FakeAwsEndpoint;
  let handlerModule: typeof HandlerModule;
  let queueUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    const deadDatabase = `postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`;
    // The broker knows 'tenant-down' (its database refuses connections) and cannot answer for anyone else.
    aws = await startFakeAwsEndpoint((request) =>
      request.tenantId === 'tenant-down'
        ? { ok: true, result: { engine: 'postgres', url: deadDatabase } }
        : { ok: false, error: { code: 'BROKER_UNAVAILABLE', message: 'store throttled', retryable: true } },
    );
    queueUrl = `${aws.endpoint}/000000000000/status-events.fifo`;
    Object.assign(process.env, {
      STATUS_EVENTS_QUEUE_URL: queueUrl,
      CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
      AWS_ENDPOINT_URL: aws.endpoint,
      LOG_LEVEL: 'silent',
    });
    handlerModule = await import('../../src/handler');
  });

  afterAll(async () => {
    process.env = saved;
    await handlerModule?.closeConnections();
    await aws?.close();
  });

  beforeEach(() => {
    aws.visibilityChanges.length = 0;
  });

  it('hides a record whose tenant database is down for 8–15 s on its first receive, through ChangeMessageVisibility on STATUS_EVENTS_QUEUE_URL', async () => {
    // Prepare
    const record = recordOf(metaReceipt('tenant-down', { id: 'wamid.DOWN-1', status: 'delivered' }), 'm-down');

    // Act
    const response = await handlerModule.handler({ Records: [record] });

    // Assert
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-down' }] });
    expect(aws.visibilityChanges).toEqual([{ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: expect.any(Number) }]);
    expect(aws.visibilityChanges[0]?.VisibilityTimeout).toBeGreaterThanOrEqual(8);
    expect(aws.visibilityChanges[0]?.VisibilityTimeout).toBeLessThanOrEqual(15);
  });

  it('hides it longer on a later receive', async () => {
    // Prepare: the fifth receive (ceiling 240 s)
    const first = recordOf(metaReceipt('tenant-down', { id: 'wamid.DOWN-2', status: 'read' }), 'm-down-5');
    const record = { ...first, attributes: { ...first.attributes, ApproximateReceiveCount: '5' } };

    // Act
    await handlerModule.handler({ Records: [record] });

    // Assert
    expect(aws.visibilityChanges.map((change) => change.VisibilityTimeout)).toEqual([expect.any(Number)]);
    expect(aws.visibilityChanges[0]?.VisibilityTimeout).toBeGreaterThanOrEqual(120);
    expect(aws.visibilityChanges[0]?.VisibilityTimeout).toBeLessThanOrEqual(240);
  });

  it("keeps the queue's visibility timeout for a record that failed for another reason", async () => {
    // Prepare: the broker cannot answer for this tenant, and another record is not an event at all
    const brokerDown = recordOf(metaReceipt('tenant-unknown', { id: 'wamid.BROKER-1', status: 'delivered' }), 'm-broker');
    const malformed = { ...recordOf(metaReceipt('tenant-x', { id: 'wamid.X', status: 'read' }), 'm-malformed'), body: 'not json' };

    // Act
    const response = await handlerModule.handler({ Records: [brokerDown, malformed] });

    // Assert
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-broker', 'm-malformed']);
    expect(aws.visibilityChanges).toEqual([]);
  });
});
