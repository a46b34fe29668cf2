import { Readable } from 'node:stream';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { ConfigError } from '@wagw/core/errors';
import { fifoId } from '@wagw/core/ids';
import { loadMediaConfig } from '../../src/media-config';
import { createMediaHandler } from '../../src/media-handler';
import { FakeCredentials, MemoryBlobStore, RecordingPublisher, capturingLogger, fixedClock, mediaJob, metaChannel } from '../media-fakes';

const record = (body: string, receiveCount: number, messageId: string): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: `group-${messageId}`,
      MessageDeduplicationId: messageId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:media-jobs.fifo',
    awsRegion: 'us-east-1',
  }) as SQSRecord;

describe('media handler', () => {
  it('hands every job to fetchMedia with its receive count and reports only the failed records', async () => {
    // Prepare: the provider is down; only the record on its last attempt gets an answer (failed)
    const publisher = new RecordingPublisher();
    const { logger } = capturingLogger();
    const handler = createMediaHandler({
      deps: {
        credentials: new FakeCredentials([metaChannel()]),
        blobs: new MemoryBlobStore(),
        publisher,
        mediaClients: {
          meta: { open: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) },
          whapi: { open: () => Promise.resolve({ body: Readable.from([Buffer.from('x')]), mimeType: 'image/png' }) },
        },
        clock: fixedClock,
      },
      logger,
      maxAttempts: 3,
    });
    const event: SQSEvent = {
      Records: [
        record(JSON.stringify(mediaJob({ providerMessageId: 'wamid.A' })), 1, 'first-try'),
        record(JSON.stringify(mediaJob({ providerMessageId: 'wamid.B' })), 3, 'last-try'),
        record('not a job', 1, 'malformed'),
      ],
    };

    // Act
    const response = await handler(event);

    // Assert
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual(['first-try', 'malformed']);
    expect(publisher.results().map(({ providerMessageId, outcome }) => [providerMessageId, outcome.status])).toEqual([['wamid.B', 'failed']]);
  });

  it('puts the SQS message id of the job into the deduplication id of its result', async () => {
    // Prepare
    const publisher = new RecordingPublisher();
    const { logger } = capturingLogger();
    const handler = createMediaHandler({
      deps: {
        credentials: new FakeCredentials([metaChannel()]),
        blobs: new MemoryBlobStore(),
        publisher,
        mediaClients: {
          meta: { open: () => Promise.resolve({ body: Readable.from([Buffer.from('x')]), mimeType: 'image/png' }) },
          whapi: { open: () => Promise.reject(new Error('whapi client not expected')) },
        },
        clock: fixedClock,
      },
      logger,
      maxAttempts: 3,
    });

    // Act
    const response = await handler({ Records: [record(JSON.stringify(mediaJob()), 1, 'sqs-id-1')] });

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual([
      fifoId('media-result', 'meta', '100000000000001', 'wamid.TEST-IN-IMAGE-0001', 'sqs-id-1'),
    ]);
  });
});

describe('loadMediaConfig', () => {
  const required = {
    INBOUND_EVENTS_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/inbound-events.fifo',
    BUCKET_NAME: 'gateway',
    CREDENTIALS_BROKER_FUNCTION: 'credentials-broker',
  };

  it('applies the documented defaults', () => {
    const config = loadMediaConfig(required);

    expect(config).toMatchObject({
      maxBytes: 100 * 1024 * 1024,
      maxAttempts: 5,
      allowedHosts: [],
      timeoutMs: 15_000,
      logLevel: 'info',
      region: 'us-east-1',
      endpoints: {},
    });
  });

  it('reads the allowed hosts as a comma list and per-service endpoints over the shared one', () => {
    const config = loadMediaConfig({
      ...required,
      MEDIA_ALLOWED_HOSTS: ' media.example.com, https://CDN.example.net:8443/path ,',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9001',
    });

    expect(config.allowedHosts).toEqual(['media.example.com', 'cdn.example.net']);
    expect(config.endpoints).toEqual({ sqs: 'http://127.0.0.1:4566', s3: 'http://127.0.0.1:4566', lambda: 'http://127.0.0.1:9001' });
  });

  it('names every bad key at once', () => {
    const attempt = () => loadMediaConfig({ MEDIA_MAX_BYTES: 'lots', MEDIA_ALLOWED_HOSTS: 'exa mple' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/INBOUND_EVENTS_QUEUE_URL[\s\S]*BUCKET_NAME[\s\S]*CREDENTIALS_BROKER_FUNCTION[\s\S]*MEDIA_MAX_BYTES[\s\S]*MEDIA_ALLOWED_HOSTS/);
  });
});
