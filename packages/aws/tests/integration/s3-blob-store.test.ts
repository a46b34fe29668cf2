import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, createSqsClient } from '../../src/clients';
import { BlobStoreError } from '../../src/errors';
import { S3BlobStore } from '../../src/s3-blob-store';

describe('S3BlobStore against the emulator', () => {
  const bucket = 'blob-store-test';
  let emulator: RunningEmulator;
  let s3: S3Client;
  let store: S3BlobStore;

  beforeAll(async () => {
    emulator = await startEmulator();
    s3 = createS3Client({ endpoint: emulator.endpoint });
    const sqs = createSqsClient({ endpoint: emulator.endpoint });
    await createGatewayResources({ sqs, s3, bucket });
    sqs.destroy();
    store = new S3BlobStore(s3, bucket);
  });

  afterAll(async () => {
    s3.destroy();
    await emulator.stop();
  });

  it('stores bytes and gives them back with their content type', async () => {
    // Prepare
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);

    // Act
    await store.put('media/t1/meta/p1/a.jpg', bytes, { contentType: 'image/jpeg' });
    const stored = await store.get('media/t1/meta/p1/a.jpg');

    // Assert
    expect(stored).toEqual(bytes);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'media/t1/meta/p1/a.jpg' }));
    expect(head.ContentType).toBe('image/jpeg');
  });

  it('stores a string as UTF-8', async () => {
    // Act
    await store.put('raw/meta/abc.json', '{"text":"olá 👋"}', { contentType: 'application/json' });

    // Assert
    expect(Buffer.from((await store.get('raw/meta/abc.json')) ?? []).toString('utf8')).toBe('{"text":"olá 👋"}');
  });

  it('uploads a stream larger than one multipart part', async () => {
    // Prepare
    const part = Buffer.alloc(1024 * 1024, 7);
    const chunks = Array.from({ length: 6 }, (_, index) => Buffer.concat([part, Buffer.from([index])]));
    const expected = Buffer.concat(chunks);

    // Act
    await store.put('media/t1/whapi/c1/video.mp4', Readable.from(chunks), { contentType: 'video/mp4' });

    // Assert
    const stored = await store.get('media/t1/whapi/c1/video.mp4');
    expect(stored?.byteLength).toBe(expected.byteLength);
    expect(Buffer.from(stored ?? []).equals(expected)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'media/t1/whapi/c1/video.mp4' }));
    expect(head.ContentType).toBe('video/mp4');
  });

  it('stores the content disposition it is given, on a streamed put and on a plain one', async () => {
    // Act
    await store.put('media/t1/meta/p1/page.html', Readable.from([Buffer.from('<script>x</script>')]), {
      contentType: 'text/html',
      contentDisposition: 'attachment',
    });
    await store.put('media/t1/meta/p1/page2.html', '<b>x</b>', { contentType: 'text/html', contentDisposition: 'attachment' });

    // Assert
    const streamed = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'media/t1/meta/p1/page.html' }));
    const plain = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'media/t1/meta/p1/page2.html' }));
    expect(streamed.ContentDisposition).toBe('attachment');
    expect(plain.ContentDisposition).toBe('attachment');
  });

  it.each([
    ['within one part', 1024],
    ['after the first multipart part', 6 * 1024 * 1024],
  ])('leaves the object already under a key untouched when a streamed put breaks %s', async (_case, bytesBeforeBreak) => {
    // Prepare
    const key = `media/t1/meta/p1/kept-${bytesBeforeBreak}.jpg`;
    await store.put(key, Readable.from([Buffer.from('the stored file')]), { contentType: 'image/jpeg' });
    const breaking = new Readable({ read() {} });
    breaking.push(Buffer.alloc(bytesBeforeBreak, 1));
    setImmediate(() => breaking.destroy(new Error('socket hang up')));

    // Act
    const attempt = store.put(key, breaking, { contentType: 'image/jpeg' });

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(BlobStoreError);
    expect(Buffer.from((await store.get(key)) ?? []).toString()).toBe('the stored file');
  });

  it('asks for encryption at rest on every kind of put', async () => {
    // Prepare: fauxqs ignores the header, so it is checked on the way out.
    const recording = createS3Client({ endpoint: emulator.endpoint });
    const sent: { key: string; sse: string | undefined; method: string }[] = [];
    recording.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { method: string; path: string; headers: Record<string, string> };
        sent.push({ method: request.method, key: request.path, sse: request.headers['x-amz-server-side-encryption'] });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordSse' },
    );
    const encrypted = new S3BlobStore(recording, bucket);

    // Act
    await encrypted.put('raw/sse.json', '{}', { contentType: 'application/json' });
    await encrypted.put('media/sse.bin', Readable.from([Buffer.alloc(6 * 1024 * 1024, 1)]), { contentType: 'application/octet-stream' });

    // Assert
    // PutObject for the string; CreateMultipartUpload (POST ?uploads) for the stream.
    expect(sent.find((request) => request.method === 'PUT' && request.key.endsWith('/raw/sse.json'))?.sse).toBe('AES256');
    expect(sent.find((request) => request.method === 'POST' && request.key.endsWith('/media/sse.bin'))?.sse).toBe('AES256');
    recording.destroy();
  });

  it('answers undefined for a key that does not exist', async () => {
    // Act
    const stored = await store.get('raw/meta/missing.json');

    // Assert
    expect(stored).toBeUndefined();
  });

  it('gives an object back with the content type it was stored with', async () => {
    // Prepare
    const bytes = new Uint8Array([37, 80, 68, 70, 45]);
    await store.put('outbound/t1/invoice.pdf', bytes, { contentType: 'application/pdf' });

    // Act
    const stored = await store.getWithMetadataWithin('outbound/t1/invoice.pdf', Number.POSITIVE_INFINITY);

    // Assert
    expect(stored).toEqual({ outcome: 'read', blob: { bytes, contentType: 'application/pdf' } });
  });

  it('answers undefined with metadata too for a key that does not exist', async () => {
    // Act
    const stored = await store.getWithMetadataWithin('outbound/t1/missing.pdf', Number.POSITIVE_INFINITY);

    // Assert
    expect(stored).toBeUndefined();
  });

  it('reads an object no larger than the limit, with its content type', async () => {
    // Prepare
    const bytes = new Uint8Array(64).fill(7);
    await store.put('outbound/t1/limit/exact.jpg', bytes, { contentType: 'image/jpeg' });

    // Act
    const read = await store.getWithMetadataWithin('outbound/t1/limit/exact.jpg', 64);

    // Assert
    expect(read).toEqual({ outcome: 'read', blob: { bytes, contentType: 'image/jpeg' } });
  });

  it('gives only the size of an object larger than the limit', async () => {
    // Prepare
    await store.put('outbound/t1/limit/big.jpg', new Uint8Array(65), { contentType: 'image/jpeg' });

    // Act
    const read = await store.getWithMetadataWithin('outbound/t1/limit/big.jpg', 64);

    // Assert
    expect(read).toEqual({ outcome: 'too-large', size: 65 });
  });

  it('answers undefined within a limit too for a key that does not exist, and fails loudly for a missing bucket', async () => {
    // Act
    const missingKey = await store.getWithMetadataWithin('outbound/t1/limit/missing.jpg', 64);
    const missingBucket = new S3BlobStore(s3, 'no-such-bucket-to-read').getWithMetadataWithin('outbound/t1/a.jpg', 64);

    // Assert
    expect(missingKey).toBeUndefined();
    await expect(missingBucket).rejects.toMatchObject({ code: 'BLOB_STORE_FAILED', retryable: true });
  });

  it('reports a bucket that cannot be read as a retryable BlobStoreError', async () => {
    // Prepare
    const missingBucket = new S3BlobStore(s3, 'no-such-bucket-to-read');

    // Act
    const attempt = missingBucket.getWithMetadataWithin('outbound/t1/a.jpg', Number.POSITIVE_INFINITY);

    // Assert
    await expect(attempt).rejects.toMatchObject({ code: 'BLOB_STORE_FAILED', retryable: true });
  });

  it('lists every key under a prefix, page after page', async () => {
    // Prepare
    const paged = new S3BlobStore(s3, bucket, { listPageSize: 10 });
    const keys = Array.from({ length: 25 }, (_, index) => `parked/whapi/ch-${String(index).padStart(4, '0')}.json`);
    await Promise.all(keys.map((key) => paged.put(key, '{}', { contentType: 'application/json' })));
    await paged.put('parkedother/x.json', '{}', { contentType: 'application/json' });
    const pages: number[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        const output = await next(args);
        const listed = (output.output as { KeyCount?: number }).KeyCount;
        if (listed !== undefined) pages.push(listed);
        return output;
      },
      { step: 'initialize', name: 'countListPages' },
    );

    // Act
    const listed = await paged.list('parked/whapi/');

    // Assert
    s3.middlewareStack.remove('countListPages');
    expect([...listed].sort()).toEqual(keys);
    expect(pages).toEqual([10, 10, 5]);
  });

  it('deletes a key', async () => {
    // Prepare
    await store.put('parked/meta/gone.json', '{}', { contentType: 'application/json' });

    // Act
    await store.delete('parked/meta/gone.json');

    // Assert
    expect(await store.get('parked/meta/gone.json')).toBeUndefined();
    expect(await store.list('parked/meta/')).toEqual([]);
  });

  it('reports a bucket that cannot be written as a retryable BlobStoreError', async () => {
    // Prepare
    const missingBucket = new S3BlobStore(s3, 'no-such-bucket-here');

    // Act
    const attempt = missingBucket.put('raw/x.json', '{}', { contentType: 'application/json' });

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(BlobStoreError);
    await expect(attempt).rejects.toMatchObject({ code: 'BLOB_STORE_FAILED', retryable: true });
  });
});
