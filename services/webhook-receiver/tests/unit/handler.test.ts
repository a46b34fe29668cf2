import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { buildDependencies } from '../../src/dependencies';

const ENV = {
  INBOUND_EVENTS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/inbound-events.fifo',
  STATUS_EVENTS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/status-events.fifo',
  BUCKET_NAME: 'gateway-bucket',
  CREDENTIALS_BROKER_FUNCTION: 'credentials-broker',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
  LOG_LEVEL: 'silent',
};

describe('the webhook HTTP function wiring', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.resetModules();
  });

  it('builds the real adapters from the configuration', () => {
    const context = buildDependencies({
      inboundEventsQueueUrl: ENV.INBOUND_EVENTS_QUEUE_URL,
      statusEventsQueueUrl: ENV.STATUS_EVENTS_QUEUE_URL,
      bucketName: ENV.BUCKET_NAME,
      credentialsBrokerFunction: ENV.CREDENTIALS_BROKER_FUNCTION,
      logLevel: 'silent',
      region: 'us-east-1',
      endpoints: { sqs: ENV.AWS_ENDPOINT_URL, s3: ENV.AWS_ENDPOINT_URL, lambda: ENV.AWS_ENDPOINT_URL },
      maxBodyBytes: 1234,
    });

    expect(context.credentials).toBeInstanceOf(CachedCredentialsClient);
    expect(context.publisher).toBeInstanceOf(SqsEventPublisher);
    expect(context.blobs).toBeInstanceOf(S3BlobStore);
    expect(context.limits).toEqual({ maxBodyBytes: 1234 });
  });

  it('answers /health through the exported handler, building its dependencies once', async () => {
    Object.assign(process.env, ENV);
    const { handler } = await import('../../src/handler');
    const dependencies = await import('../../src/dependencies');
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/health',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'r' },
    } as unknown as Parameters<typeof handler>[0];

    const first = await handler(event);
    const built = dependencies.getDependencies();
    await handler(event);

    expect(first).toMatchObject({ statusCode: 200, body: '{"status":"ok"}' });
    expect(dependencies.getDependencies()).toBe(built);
  });

  it('fails at start with every missing key named', async () => {
    for (const key of Object.keys(ENV)) delete process.env[key];
    const { getDependencies } = await import('../../src/dependencies');

    expect(() => getDependencies()).toThrow(/INBOUND_EVENTS_QUEUE_URL[\s\S]*BUCKET_NAME/);
  });
});
