import type { SQSEvent } from 'aws-lambda';
import type * as HandlerModule from '../../src/handler';

const ENV = {
  STATUS_EVENTS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/status-events.fifo',
  CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
};

const loadHandler = (): typeof HandlerModule => {
  const saved = { ...process.env };
  Object.assign(process.env, ENV);
  try {
    let loaded: typeof HandlerModule | undefined;
    jest.isolateModules(() => {
      loaded = jest.requireActual<typeof HandlerModule>('../../src/handler');
    });
    if (loaded === undefined) throw new Error('handler module did not load');
    return loaded;
  } finally {
    process.env = saved;
  }
};

describe('status-saver handler wiring', () => {
  it('builds its dependencies from the environment without touching the network', async () => {
    const { handler, closeConnections } = loadHandler();

    expect(typeof handler).toBe('function');
    await expect(closeConnections()).resolves.toBeUndefined();
  });

  it('answers an empty batch with no failures', async () => {
    const { handler } = loadHandler();

    await expect(handler({ Records: [] })).resolves.toEqual({ batchItemFailures: [] });
  });

  it('reports a malformed record as a batch item failure instead of throwing', async () => {
    const { handler } = loadHandler();
    const event = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: 'not json',
          attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'g-1', MessageDeduplicationId: 'd-1' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:status-events.fifo',
          awsRegion: 'us-east-1',
        },
      ],
    } as unknown as SQSEvent;

    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});
