import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MalformedEventError, MediaFetchError } from '@wagw/core/errors';
import { conversationGroupId, fifoId, mediaObjectKey } from '@wagw/core/ids';
import type { BlobPutOptions } from '@wagw/core/ports';
import type { MediaClient, MediaRequest } from '@wagw/providers/media/media-client';
import { fetchMedia, parseMediaJob } from '../../src/fetch-media';
import type { FetchMediaDeps } from '../../src/fetch-media';
import {
  FakeCredentials,
  MemoryBlobStore,
  RecordingPublisher,
  capturingLogger,
  fixedClock,
  mediaJob,
  metaChannel,
  whapiChannel,
} from '../media-fakes';

const JPEG = Buffer.from('\xff\xd8\xff\xe0 a small jpeg', 'latin1');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Answer = (request: MediaRequest) => Promise<{ body: Readable; mimeType: string }>;

/** A media client that answers each call with the next scripted answer, recording what it was asked. */
const scriptedClient = (...answers: Answer[]) => {
  const requests: MediaRequest[] = [];
  const client: MediaClient = {
    open: (request) => {
      requests.push(request);
      const answer = answers[Math.min(requests.length, answers.length) - 1];
      if (answer === undefined) throw new Error('no scripted answer');
      return answer(request);
    },
  };
  return { client, requests };
};

const serves = (bytes: Uint8Array, mimeType = 'image/jpeg'): Answer => () => Promise.resolve({ body: Readable.from([bytes]), mimeType });
const fails = (error: Error): Answer => () => Promise.reject(error);

const permanent = (code: string, message: string) => new MediaFetchError(code, message, { retryable: false });
const retryable = (code: string, message: string) => new MediaFetchError(code, message, { retryable: true });

const setUp = (metaClient: MediaClient, options: { credentials?: FakeCredentials; blobs?: MemoryBlobStore; maxBytes?: number } = {}) => {
  const blobs = options.blobs ?? new MemoryBlobStore();
  const publisher = new RecordingPublisher();
  const credentials = options.credentials ?? new FakeCredentials([metaChannel(), whapiChannel()]);
  const deps: FetchMediaDeps = {
    credentials,
    blobs,
    publisher,
    mediaClients: { meta: metaClient, whapi: { open: () => Promise.reject(new Error('whapi client not expected')) } },
    clock: fixedClock,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  };
  const { logger, lines } = capturingLogger();
  return { deps, blobs, publisher, credentials, logger, lines };
};

const FIRST_TRY = { receiveCount: 1, maxAttempts: 5, messageId: 'sqs-message-1' };
const LAST_TRY = { receiveCount: 5, maxAttempts: 5, messageId: 'sqs-message-1' };

/** A download that sends a few bytes and then breaks like a dropped connection. */
const breaksMidStream = (): Answer => () => {
  const body = new Readable({ read() {} });
  body.push(Buffer.from('partial'));
  setImmediate(() => body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  return Promise.resolve({ body, mimeType: 'image/jpeg' });
};

describe('fetchMedia', () => {
  it('streams the file into its private key and publishes it as stored in the conversation group', async () => {
    // Prepare
    const { client } = scriptedClient(serves(JPEG));
    const { deps, blobs, publisher, logger } = setUp(client);
    const job = mediaJob();
    const key = mediaObjectKey('acme', 'meta', '100000000000001', 'wamid.TEST-IN-IMAGE-0001', '.jpg');

    // Act
    const outcome = await fetchMedia(deps, job, FIRST_TRY, logger);

    // Assert
    expect(outcome).toEqual({ status: 'stored', key, mimeType: 'image/jpeg', size: JPEG.length, sha256: sha256(JPEG) });
    expect(blobs.objects.get(key)).toEqual({ bytes: JPEG, contentType: 'image/jpeg' });
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]?.queue).toBe('inbound-events');
    expect(publisher.published[0]?.message.groupId).toBe(conversationGroupId('acme', '100000000000001', '15550001111'));
    expect(publisher.published[0]?.message.deduplicationId).toBe(fifoId('media-result', 'meta', '100000000000001', 'wamid.TEST-IN-IMAGE-0001', 'sqs-message-1'));
    expect(publisher.results()).toEqual([
      {
        schema: 'media-result.v1',
        tenantId: 'acme',
        provider: 'meta',
        channelId: '100000000000001',
        providerMessageId: 'wamid.TEST-IN-IMAGE-0001',
        contactId: '15550001111',
        outcome,
      },
    ]);
  });

  it('names a document after its MIME type, not after its message type', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const { client } = scriptedClient(serves(Buffer.from('PK spreadsheet'), xlsx));
    const { deps, logger } = setUp(client);

    const outcome = await fetchMedia(deps, mediaJob({ kind: 'document', mimeType: xlsx, filename: 'report.pdf' }), FIRST_TRY, logger);

    expect(outcome).toMatchObject({ status: 'stored', mimeType: xlsx });
    expect(outcome.status === 'stored' && outcome.key.endsWith('.xlsx')).toBe(true);
  });

  it('asks the client for the limit of the media kind, never above the global cap', async () => {
    const { client, requests } = scriptedClient(serves(JPEG));
    const { deps, logger } = setUp(client, { maxBytes: 3 * 1024 * 1024 });

    await fetchMedia(deps, mediaJob({ kind: 'sticker' }), FIRST_TRY, logger);
    await fetchMedia(deps, mediaJob({ kind: 'document' }), FIRST_TRY, logger);

    expect(requests.map((request) => request.maxBytes)).toEqual([500 * 1024, 3 * 1024 * 1024]);
  });

  it('publishes a permanent failure as failed with its code and reason, without throwing', async () => {
    // Prepare
    const { client } = scriptedClient(fails(permanent('MEDIA_NOT_FOUND', 'Meta media download answered HTTP 404')));
    const { deps, blobs, publisher, logger } = setUp(client);

    // Act
    const outcome = await fetchMedia(deps, mediaJob(), FIRST_TRY, logger);

    // Assert
    expect(outcome).toEqual({ status: 'failed', code: 'MEDIA_NOT_FOUND', reason: 'Meta media download answered HTTP 404' });
    expect(publisher.results().map((event) => event.outcome)).toEqual([outcome]);
    expect(blobs.objects.size).toBe(0);
  });

  it('throws a transient failure so that SQS retries the job, publishing nothing', async () => {
    const error = retryable('MEDIA_PROVIDER_UNAVAILABLE', 'Meta media lookup answered HTTP 500');
    const { client } = scriptedClient(fails(error));
    const { deps, publisher, logger } = setUp(client);

    await expect(fetchMedia(deps, mediaJob(), FIRST_TRY, logger)).rejects.toBe(error);

    expect(publisher.published).toHaveLength(0);
  });

  it('publishes a transient failure on the last allowed attempt as retries exhausted, with the last reason', async () => {
    const { client } = scriptedClient(fails(retryable('MEDIA_PROVIDER_UNAVAILABLE', 'Meta media lookup answered HTTP 503')));
    const { deps, publisher, logger } = setUp(client);

    const outcome = await fetchMedia(deps, mediaJob(), LAST_TRY, logger);

    expect(outcome).toEqual({
      status: 'failed',
      code: 'MEDIA_RETRIES_EXHAUSTED',
      reason: 'MEDIA_PROVIDER_UNAVAILABLE: Meta media lookup answered HTTP 503',
    });
    expect(publisher.results()).toHaveLength(1);
  });

  it('refreshes the credentials once when the provider refuses the token, and retries with the new one', async () => {
    // Prepare
    const stale = metaChannel({ accessToken: 'EAAG-revoked' });
    const credentials = new FakeCredentials([metaChannel({ accessToken: 'EAAG-fresh' })], [stale]);
    const { client, requests } = scriptedClient(fails(permanent('MEDIA_UNAUTHORIZED', 'Meta media lookup answered HTTP 401')), serves(JPEG));
    const { deps, logger } = setUp(client, { credentials });

    // Act
    const outcome = await fetchMedia(deps, mediaJob(), FIRST_TRY, logger);

    // Assert
    expect(outcome.status).toBe('stored');
    expect(credentials.invalidated).toEqual([`meta:${mediaJob().channelId}`]);
    expect(requests.map(({ channel }) => channel.provider === 'meta' && channel.accessToken)).toEqual(['EAAG-revoked', 'EAAG-fresh']);
  });

  it('records unauthorized when the refreshed token is refused too', async () => {
    const refused = fails(permanent('MEDIA_UNAUTHORIZED', 'Meta media download answered HTTP 401'));
    const { client, requests } = scriptedClient(refused, refused);
    const { deps, credentials, logger } = setUp(client);

    const outcome = await fetchMedia(deps, mediaJob(), FIRST_TRY, logger);

    expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_UNAUTHORIZED' });
    expect(requests).toHaveLength(2);
    expect(credentials.invalidations).toBe(1);
  });

  it('records too large when the stream is cut at the limit, and leaves no object behind', async () => {
    // Prepare
    const body = new Readable({ read() {} });
    const { client } = scriptedClient(() => Promise.resolve({ body, mimeType: 'image/jpeg' }));
    const { deps, blobs, logger } = setUp(client);
    body.push(Buffer.from('first bytes'));
    setImmediate(() => body.destroy(permanent('MEDIA_TOO_LARGE', 'Meta media is more than 5242880 bytes')));

    // Act
    const outcome = await fetchMedia(deps, mediaJob(), FIRST_TRY, logger);

    // Assert
    expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_TOO_LARGE' });
    expect(blobs.objects.size).toBe(0);
  });

  it('retries a transfer broken by the network, and gives up on the last attempt', async () => {
    const { client } = scriptedClient(breaksMidStream(), breaksMidStream());
    const { deps, logger } = setUp(client);

    const first = fetchMedia(deps, mediaJob(), FIRST_TRY, logger);
    await expect(first).rejects.toMatchObject({ code: 'MEDIA_FETCH_FAILED', retryable: true });
    const last = await fetchMedia(deps, mediaJob(), LAST_TRY, logger);

    expect(last).toMatchObject({ status: 'failed', code: 'MEDIA_RETRIES_EXHAUSTED' });
    expect(last.status === 'failed' && last.reason).toContain('socket hang up');
  });

  it('keeps the object an earlier attempt stored when a later attempt\'s download breaks mid-stream', async () => {
    // Prepare: the first delivery stored the file (and a row may point to it); the job comes again
    const { client } = scriptedClient(serves(JPEG), breaksMidStream());
    const { deps, blobs, logger } = setUp(client);
    const stored = await fetchMedia(deps, mediaJob(), FIRST_TRY, logger);

    // Act
    const again = fetchMedia(deps, mediaJob(), { receiveCount: 2, maxAttempts: 5, messageId: 'sqs-message-1' }, logger);

    // Assert
    await expect(again).rejects.toMatchObject({ code: 'MEDIA_FETCH_FAILED', retryable: true });
    expect(stored.status === 'stored' && blobs.objects.get(stored.key)?.bytes).toEqual(JPEG);
  });

  it('gives the result of each SQS message of a job its own deduplication id', async () => {
    // Prepare: the job failed and was dead-lettered; its replay from the DLQ is a new SQS message
    const { client } = scriptedClient(fails(retryable('MEDIA_PROVIDER_UNAVAILABLE', 'Meta media lookup answered HTTP 503')), serves(JPEG));
    const { deps, publisher, logger } = setUp(client);

    // Act
    await fetchMedia(deps, mediaJob(), { receiveCount: 5, maxAttempts: 5, messageId: 'dead-lettered' }, logger);
    await fetchMedia(deps, mediaJob(), { receiveCount: 1, maxAttempts: 5, messageId: 'replayed' }, logger);

    // Assert
    const [failed, stored] = publisher.published.map(({ message }) => message.deduplicationId);
    expect(publisher.results().map(({ outcome }) => outcome.status)).toEqual(['failed', 'stored']);
    expect(stored).not.toBe(failed);
    expect([failed, stored]).toEqual([
      fifoId('media-result', 'meta', '100000000000001', 'wamid.TEST-IN-IMAGE-0001', 'dead-lettered'),
      fifoId('media-result', 'meta', '100000000000001', 'wamid.TEST-IN-IMAGE-0001', 'replayed'),
    ]);
  });

  it('stores media as an attachment, so that a presigned URL never renders it inline', async () => {
    // Prepare
    const { client } = scriptedClient(serves(Buffer.from('<script>alert(1)</script>'), 'text/html'));
    const { deps, blobs, logger } = setUp(client);
    const options: BlobPutOptions[] = [];
    const put = blobs.put.bind(blobs);
    blobs.put = (key, body, putOptions) => {
      options.push(putOptions);
      return put(key, body, putOptions);
    };

    // Act
    await fetchMedia(deps, mediaJob({ kind: 'document', mimeType: 'text/html' }), FIRST_TRY, logger);

    // Assert
    expect(options).toEqual([{ contentType: 'text/html', contentDisposition: 'attachment' }]);
  });

  it('throws when the bucket cannot be written, so the job is retried', async () => {
    const blobs = new MemoryBlobStore();
    blobs.put = () => Promise.reject(new MediaFetchError('BLOB_STORE_FAILED', 'blob store put failed', { retryable: true }));
    const { client } = scriptedClient(serves(JPEG));
    const { deps, publisher, logger } = setUp(client, { blobs });

    await expect(fetchMedia(deps, mediaJob(), FIRST_TRY, logger)).rejects.toMatchObject({ code: 'BLOB_STORE_FAILED' });
    expect(publisher.published).toHaveLength(0);
  });

  it('records a channel the broker no longer knows as failed', async () => {
    const { client } = scriptedClient(serves(JPEG));
    const { deps, logger } = setUp(client, { credentials: new FakeCredentials([]) });

    const outcome = await fetchMedia(deps, mediaJob(), FIRST_TRY, logger);

    expect(outcome).toMatchObject({ status: 'failed', code: 'CHANNEL_NOT_FOUND' });
  });

  it('never puts a token in a log line or a queue message', async () => {
    // Prepare
    const credentials = new FakeCredentials([metaChannel({ accessToken: 'EAAG-fresh-secret' })], [metaChannel({ accessToken: 'EAAG-stale-secret' })]);
    const { client } = scriptedClient(
      fails(permanent('MEDIA_UNAUTHORIZED', 'Meta media lookup answered HTTP 401')),
      fails(retryable('MEDIA_FETCH_FAILED', 'request to lookaside.fbsbx.com failed')),
    );
    const { deps, publisher, logger, lines } = setUp(client, { credentials });

    // Act
    await expect(fetchMedia(deps, mediaJob(), FIRST_TRY, logger)).rejects.toThrow();
    await fetchMedia(deps, mediaJob(), LAST_TRY, logger);

    // Assert
    const everything = [...lines, ...publisher.published.map(({ message }) => message.body)].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain('EAAG-fresh-secret');
    expect(everything).not.toContain('EAAG-stale-secret');
  });
});

describe('parseMediaJob', () => {
  it('reads a media-job.v1', () => {
    expect(parseMediaJob(JSON.stringify(mediaJob()))).toEqual(mediaJob());
  });

  it.each([['not JSON', '{'], ['another contract', JSON.stringify({ schema: 'inbound-message.v1' })]])('refuses %s', (_case, body) => {
    expect(() => parseMediaJob(body)).toThrow(MalformedEventError);
  });
});
