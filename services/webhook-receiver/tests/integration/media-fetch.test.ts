import { startProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { ProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mediaObjectKey } from '@wagw/core/ids';
import { fetchMedia } from '../../src/fetch-media';
import type { FetchMediaDeps } from '../../src/fetch-media';
import { createMediaClients } from '../../src/media-dependencies';
import { FakeCredentials, MemoryBlobStore, RecordingPublisher, capturingLogger, fixedClock, mediaJob, metaChannel, whapiChannel } from '../media-fakes';

const FIXTURES = join(__dirname, '../../../../../shared/fixtures');
const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

const META_TOKEN = 'EAAG-sandbox-meta-token';
const WHAPI_TOKEN = 'sandbox-whapi-token';
const MIB = 1024 * 1024;
const FIRST_TRY = { receiveCount: 1, maxAttempts: 5, messageId: 'sqs-message-1' };
const LAST_TRY = { receiveCount: 5, maxAttempts: 5, messageId: 'sqs-message-5' };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface WhapiImageWebhook {
  channel_id: string;
  messages: { id: string; chat_id: string; image: { id: string; mime_type: string; link: string } }[];
}
interface MetaImageWebhook {
  entry: { changes: { value: { metadata: { phone_number_id: string }; messages: { id: string; from: string; image: { id: string; mime_type: string } }[] } }[] }[];
}

describe('media function against the provider sandbox', () => {
  let sandbox: ProviderSandbox;
  let blobs: MemoryBlobStore;
  let publisher: RecordingPublisher;

  const deps = (options: { credentials?: FakeCredentials; timeoutMs?: number } = {}): FetchMediaDeps => ({
    credentials:
      options.credentials ??
      new FakeCredentials([
        metaChannel({ accessToken: META_TOKEN, graphBaseUrl: sandbox.url }),
        whapiChannel({ apiToken: WHAPI_TOKEN, baseUrl: sandbox.url }),
      ]),
    blobs,
    publisher,
    mediaClients: createMediaClients({ timeoutMs: options.timeoutMs ?? 10_000 }),
    clock: fixedClock,
  });
  const routesHit = () => sandbox.requests.map((request) => request.route);

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ port: 0, tokens: { meta: [META_TOKEN], whapi: [WHAPI_TOKEN] } });
    blobs = new MemoryBlobStore();
    publisher = new RecordingPublisher();
  });

  afterEach(async () => {
    await sandbox.close();
  });

  describe('Meta', () => {
    const metaWebhook = fixture<MetaImageWebhook>('meta-webhook-image.json');
    const value = metaWebhook.entry[0]!.changes[0]!.value;
    const message = value.messages[0]!;
    const job = mediaJob({
      provider: 'meta',
      channelId: value.metadata.phone_number_id,
      providerMessageId: message.id,
      contactId: message.from,
      mediaId: message.image.id,
      mimeType: message.image.mime_type,
      kind: 'image',
    });
    const jpeg = randomBytes(300_000);

    it('looks the media id up, downloads it with the token and stores it with its type, size and sha256', async () => {
      // Prepare
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      const key = mediaObjectKey(job.tenantId, 'meta', job.channelId, job.providerMessageId, '.jpg');

      // Act
      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      // Assert
      expect(outcome).toEqual({ status: 'stored', key, mimeType: 'image/jpeg', size: jpeg.length, sha256: sha256(jpeg) });
      expect(blobs.objects.get(key)?.contentType).toBe('image/jpeg');
      expect(Buffer.from(blobs.objects.get(key)!.bytes).equals(jpeg)).toBe(true);
      expect(routesHit()).toEqual(['meta-media-lookup', 'meta-media-download']);
      expect(sandbox.requests[0]).toMatchObject({ path: `/v24.0/${message.image.id}`, query: { phone_number_id: job.channelId }, authorized: true });
      expect(publisher.results().map((event) => event.outcome)).toEqual([outcome]);
    });

    it('refuses a file whose declared size is above the limit before downloading it', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'meta-media-lookup', declaredSize: 6 * MIB });

      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_TOO_LARGE' });
      expect(routesHit()).toEqual(['meta-media-lookup']);
      expect(blobs.objects.size).toBe(0);
    });

    it('aborts a download that streams more bytes than the limit without declaring them', async () => {
      // Prepare: a sticker (limit 500 KiB) of 600 KiB, served without a Content-Length
      sandbox.addMedia({ id: 'sticker-1', mimeType: 'image/webp', bytes: randomBytes(600 * 1024) });
      sandbox.injectFault({ mediaId: 'sticker-1', omitContentLength: true });
      sandbox.injectFault({ mediaId: 'sticker-1', route: 'meta-media-lookup', declaredSize: 1000 });

      // Act
      const outcome = await fetchMedia(deps(), { ...job, mediaId: 'sticker-1', kind: 'sticker', mimeType: 'image/webp' }, FIRST_TRY, capturingLogger().logger);

      // Assert
      expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_TOO_LARGE' });
      expect(blobs.objects.size).toBe(0);
    });

    it('re-GETs the media id once when the download URL answers 404', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'meta-media-download', status: 404, times: 1 });

      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome.status).toBe('stored');
      expect(routesHit()).toEqual(['meta-media-lookup', 'meta-media-download', 'meta-media-lookup', 'meta-media-download']);
    });

    it('records not found when the download still answers 404 after the re-GET', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'meta-media-download', status: 404 });

      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_NOT_FOUND' });
      expect(routesHit().filter((route) => route === 'meta-media-lookup')).toHaveLength(2);
    });

    it('records not found for a media id Meta does not know', async () => {
      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_NOT_FOUND' });
      expect(outcome.status === 'failed' && outcome.reason).toContain('Graph error 100');
    });

    it('throws on a 500 so the job is retried, and records retries exhausted on the last attempt', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'meta-media-lookup', status: 500 });

      await expect(fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger)).rejects.toMatchObject({
        code: 'MEDIA_PROVIDER_UNAVAILABLE',
        retryable: true,
      });
      const last = await fetchMedia(deps(), job, LAST_TRY, capturingLogger().logger);

      expect(publisher.results().map((event) => event.outcome)).toEqual([last]);
      expect(last).toMatchObject({ status: 'failed', code: 'MEDIA_RETRIES_EXHAUSTED' });
    });

    it('gets a fresh token from the broker when Meta refuses the cached one', async () => {
      // Prepare
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      const credentials = new FakeCredentials(
        [metaChannel({ accessToken: META_TOKEN, graphBaseUrl: sandbox.url })],
        [metaChannel({ accessToken: 'EAAG-expired', graphBaseUrl: sandbox.url })],
      );

      // Act
      const outcome = await fetchMedia(deps({ credentials }), job, FIRST_TRY, capturingLogger().logger);

      // Assert
      expect(outcome.status).toBe('stored');
      expect(credentials.invalidations).toBe(1);
    });

    it('treats a provider that does not answer in time as a transient failure', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'meta-media-lookup', delayMs: 30_000 });

      const attempt = fetchMedia(deps({ timeoutMs: 200 }), job, FIRST_TRY, capturingLogger().logger);

      await expect(attempt).rejects.toMatchObject({ code: 'MEDIA_FETCH_FAILED', retryable: true });
    });

    it('never writes the token to a log line or a queue message', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'meta-media-download', status: 401 });
      const { logger, lines } = capturingLogger();

      await fetchMedia(deps(), job, FIRST_TRY, logger);

      const everything = [...lines, ...publisher.published.map(({ message: queued }) => queued.body)].join('\n');
      expect(everything).toContain('MEDIA_UNAUTHORIZED');
      expect(everything).not.toContain(META_TOKEN);
    });
  });

  describe('Whapi', () => {
    const whapiWebhook = fixture<WhapiImageWebhook>('whapi-webhook-message-image.json');
    const message = whapiWebhook.messages[0]!;
    const job = mediaJob({
      provider: 'whapi',
      channelId: whapiWebhook.channel_id,
      providerMessageId: message.id,
      contactId: message.chat_id,
      mediaId: message.image.id,
      mimeType: message.image.mime_type,
      kind: 'image',
    });
    const jpeg = randomBytes(48_213);

    it('downloads GET /media/{id} with the channel token', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });

      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome).toMatchObject({ status: 'stored', mimeType: 'image/jpeg', size: jpeg.length, sha256: sha256(jpeg) });
      expect(sandbox.requests).toEqual([expect.objectContaining({ route: 'whapi-media', path: `/media/${message.image.id}`, authorized: true })]);
    });

    it('uses the webhook link when Whapi sent one', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });

      const outcome = await fetchMedia(deps(), { ...job, link: sandbox.whapiMediaLink(message.image.id) }, FIRST_TRY, capturingLogger().logger);

      expect(outcome.status).toBe('stored');
      expect(routesHit()).toEqual(['whapi-media-link']);
    });

    it('falls back to the media id when the link is on a host outside the allow-list', async () => {
      // the fixture's link is on example.invalid
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });

      const outcome = await fetchMedia(deps(), { ...job, link: message.image.link }, FIRST_TRY, capturingLogger().logger);

      expect(outcome.status).toBe('stored');
      expect(routesHit()).toEqual(['whapi-media']);
    });

    it('falls back to the media id when the link has expired', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'whapi-media-link', status: 404 });

      const outcome = await fetchMedia(deps(), { ...job, link: sandbox.whapiMediaLink(message.image.id) }, FIRST_TRY, capturingLogger().logger);

      expect(outcome.status).toBe('stored');
      expect(routesHit()).toEqual(['whapi-media-link', 'whapi-media']);
    });

    it('refuses an oversized Content-Length before reading the body', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ route: 'whapi-media', declaredSize: 50 * MIB });

      const outcome = await fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_TOO_LARGE' });
      expect(blobs.objects.size).toBe(0);
    });

    it('throws on 429 so the job is retried', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      sandbox.injectFault({ status: 429 });

      await expect(fetchMedia(deps(), job, FIRST_TRY, capturingLogger().logger)).rejects.toMatchObject({
        code: 'MEDIA_PROVIDER_UNAVAILABLE',
        retryable: true,
      });
      expect(publisher.published).toHaveLength(0);
    });

    it('records unauthorized when the token is refused even after a refresh', async () => {
      sandbox.addMedia({ id: message.image.id, mimeType: 'image/jpeg', bytes: jpeg });
      const credentials = new FakeCredentials([whapiChannel({ apiToken: 'revoked', baseUrl: sandbox.url })]);

      const outcome = await fetchMedia(deps({ credentials }), job, FIRST_TRY, capturingLogger().logger);

      expect(outcome).toMatchObject({ status: 'failed', code: 'MEDIA_UNAUTHORIZED' });
      expect(credentials.invalidations).toBe(1);
      expect(routesHit()).toEqual(['whapi-media', 'whapi-media']);
    });
  });
});
