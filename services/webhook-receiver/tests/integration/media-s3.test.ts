import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import { startProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { ProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { randomBytes, randomUUID } from 'node:crypto';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { mediaObjectKey } from '@wagw/core/ids';
import { fetchMedia } from '../../src/fetch-media';
import type { FetchMediaDeps } from '../../src/fetch-media';
import { createMediaClients } from '../../src/media-dependencies';
import { FakeCredentials, RecordingPublisher, capturingLogger, fixedClock, mediaJob, metaChannel } from '../media-fakes';

const META_TOKEN = 'EAAG-s3-test-token';
const FIRST_TRY = { receiveCount: 1, maxAttempts: 5, messageId: 'sqs-message-1' };

describe('media function streaming into S3 (fauxqs)', () => {
  let emulator: RunningEmulator;
  let sandbox: ProviderSandbox;
  let blobs: S3BlobStore;
  let deps: FetchMediaDeps;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    sandbox = await startProviderSandbox({ port: 0, tokens: { meta: [META_TOKEN], whapi: [] } });
    const s3 = createS3Client({ endpoint: emulator.endpoint });
    const bucket = `media-${randomUUID()}`;
    await createGatewayResources({ s3, sqs: createSqsClient({ endpoint: emulator.endpoint }), bucket, namePrefix: `m${randomUUID().slice(0, 8)}-` });
    blobs = new S3BlobStore(s3, bucket);
    deps = {
      credentials: new FakeCredentials([metaChannel({ accessToken: META_TOKEN, graphBaseUrl: sandbox.url })]),
      blobs,
      publisher: new RecordingPublisher(),
      mediaClients: createMediaClients({ timeoutMs: 10_000 }),
      clock: fixedClock,
    };
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
    await emulator?.stop();
  });

  it('stores a multi-megabyte video byte for byte under its private key', async () => {
    // Prepare
    const video = randomBytes(12 * 1024 * 1024 + 123);
    sandbox.addMedia({ id: 'video-1', mimeType: 'video/mp4', bytes: video });
    const job = mediaJob({ mediaId: 'video-1', kind: 'video', mimeType: 'video/mp4', providerMessageId: 'wamid.VIDEO-1' });

    // Act
    const outcome = await fetchMedia(deps, job, FIRST_TRY, capturingLogger().logger);

    // Assert
    const key = mediaObjectKey(job.tenantId, 'meta', job.channelId, 'wamid.VIDEO-1', '.mp4');
    expect(outcome).toMatchObject({ status: 'stored', key, size: video.length, mimeType: 'video/mp4' });
    expect(Buffer.from((await blobs.get(key)) ?? []).equals(video)).toBe(true);
  }, 60_000);

  it('leaves no object behind when a download streams past the limit', async () => {
    // Prepare: an image (limit 5 MiB) of 6 MiB, served without a Content-Length
    sandbox.addMedia({ id: 'image-big', mimeType: 'image/png', bytes: randomBytes(6 * 1024 * 1024) });
    sandbox.injectFault({ mediaId: 'image-big', omitContentLength: true });
    sandbox.injectFault({ mediaId: 'image-big', route: 'meta-media-lookup', declaredSize: 1024 });
    const job = mediaJob({ mediaId: 'image-big', kind: 'image', mimeType: 'image/png', providerMessageId: 'wamid.IMAGE-BIG' });

    // Act
    const outcome = await fetchMedia(deps, job, FIRST_TRY, capturingLogger().logger);

    // Assert
    expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_TOO_LARGE' });
    expect(await blobs.list(`media/${job.tenantId}/`)).not.toContain(mediaObjectKey(job.tenantId, 'meta', job.channelId, 'wamid.IMAGE-BIG', '.png'));
  }, 60_000);
});
