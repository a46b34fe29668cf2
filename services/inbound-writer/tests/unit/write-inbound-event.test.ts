import { MediaJobV1 } from '@wagw/contracts';
import { isGatewayError, TenantDatabaseUnavailableError } from '@wagw/core/errors';
import { fifoId } from '@wagw/core/ids';
import { MediaTargetMissingError } from '../../src/errors';
import { writeInboundEvent, type InboundWriterDependencies } from '../../src/write-inbound-event';
import {
  capturingLogger,
  mediaResultEvent,
  META_CHANNEL,
  metaMessageEvent,
  RECEIVED_AT,
  USER,
  WHAPI_CHANNEL,
  whapiMessageEvent,
} from '../support/builders';
import { fixedClock, InMemoryTenantStores, RecordingPublisher } from '../support/in-memory-tenant-stores';

const setup = () => {
  const stores = new InMemoryTenantStores();
  const publisher = new RecordingPublisher();
  const deps: InboundWriterDependencies = { stores, publisher, clock: fixedClock('2025-10-09T08:53:26.500Z') };
  const { logger, lines } = capturingLogger();
  return { stores, publisher, deps, logger, lines };
};

const STORED = { status: 'stored', key: 'media/acme/meta/x.jpg', mimeType: 'image/jpeg', size: 48213, sha256: 'ab'.repeat(32) } as const;

describe('writeInboundEvent: messages', () => {
  it('inserts a text message into its tenant database with the normalized fields', async () => {
    // Prepare
    const { stores, publisher, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-text.json');

    // Act
    const outcome = await writeInboundEvent(deps, event, logger);

    // Assert
    expect(outcome).toBe('inserted');
    expect(stores.rowsOf('acme')).toEqual([
      {
        provider: 'meta',
        channelId: META_CHANNEL,
        providerMessageId: 'wamid.TEST-IN-TEXT-0001',
        fromId: USER,
        fromName: 'Test User',
        type: 'text',
        body: 'Hello, is the shop open today?',
        replyToId: null,
        mediaStatus: 'none',
        mediaKey: null,
        mediaMimeType: null,
        mediaSize: null,
        mediaSha256: null,
        mediaError: null,
        payload: { body: 'Hello, is the shop open today?', contact: event.contact },
        raw: event.item,
        sentAt: new Date('2025-10-09T08:53:20.000Z'),
        receivedAt: new Date(RECEIVED_AT),
      },
    ]);
    expect(publisher.published).toEqual([]);
  });

  it('keeps one row when the same message is delivered twice', async () => {
    const { stores, publisher, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-text-reply.json');

    const first = await writeInboundEvent(deps, event, logger);
    const second = await writeInboundEvent(deps, event, logger);

    expect([first, second]).toEqual(['inserted', 'duplicate']);
    expect(stores.rowsOf('acme')).toHaveLength(1);
    expect(publisher.published).toEqual([]);
  });

  it('writes a media message as pending and publishes its media job with the message ids', async () => {
    const { stores, publisher, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-document.json');

    await writeInboundEvent(deps, event, logger);

    expect(stores.rowsOf('acme')[0]).toMatchObject({
      type: 'document',
      body: 'My invoice',
      mediaStatus: 'pending',
      mediaMimeType: 'application/pdf',
      mediaKey: null,
    });
    expect(publisher.published).toHaveLength(1);
    const [{ queue, message }] = publisher.published as [(typeof publisher.published)[number]];
    expect(queue).toBe('media-jobs');
    expect(message.groupId).toBe(fifoId('acme', META_CHANNEL, 'wamid.TEST-IN-DOC-0001'));
    expect(message.deduplicationId).toBe(fifoId('media', 'meta', META_CHANNEL, 'wamid.TEST-IN-DOC-0001'));
    expect(MediaJobV1.parse(JSON.parse(message.body))).toEqual({
      schema: 'media-job.v1',
      tenantId: 'acme',
      provider: 'meta',
      channelId: META_CHANNEL,
      providerMessageId: 'wamid.TEST-IN-DOC-0001',
      contactId: USER,
      mediaId: '500000000000004',
      link: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=500000000000004&ext=TEST',
      mimeType: 'application/pdf',
      filename: 'invoice-test-0001.pdf',
      kind: 'document',
    });
  });

  it('publishes the media job again when a redelivered duplicate finds the row still pending', async () => {
    const { stores, publisher, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-image.json');
    await writeInboundEvent(deps, event, logger);

    const outcome = await writeInboundEvent(deps, event, logger);

    expect(outcome).toBe('duplicate');
    expect(stores.rowsOf('acme')).toHaveLength(1);
    expect(publisher.published.map(({ message }) => message.deduplicationId)).toEqual([
      fifoId('media', 'meta', META_CHANNEL, 'wamid.TEST-IN-IMAGE-0001'),
      fifoId('media', 'meta', META_CHANNEL, 'wamid.TEST-IN-IMAGE-0001'),
    ]);
  });

  it('publishes no second media job once the media is stored', async () => {
    const { publisher, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-image.json');
    await writeInboundEvent(deps, event, logger);
    await writeInboundEvent(deps, mediaResultEvent(event, STORED), logger);

    const outcome = await writeInboundEvent(deps, event, logger);

    expect(outcome).toBe('duplicate');
    expect(publisher.published).toHaveLength(1);
  });

  it('recovers a media job lost between insert and publish on the redelivery', async () => {
    const { stores, publisher, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-audio-voice.json');
    publisher.failWith = new Error('queue unreachable');
    await expect(writeInboundEvent(deps, event, logger)).rejects.toThrow('queue unreachable');
    publisher.failWith = undefined;

    await writeInboundEvent(deps, event, logger);

    expect(stores.rowsOf('acme')).toMatchObject([{ mediaStatus: 'pending' }]);
    expect(publisher.published).toHaveLength(1);
  });

  it('normalizes a Whapi message with the Whapi normalizer and sizes its media from the webhook', async () => {
    const { stores, publisher, deps, logger } = setup();
    const event = whapiMessageEvent('acme', 'whapi-webhook-message-image.json');

    await writeInboundEvent(deps, event, logger);

    expect(stores.rowsOf('acme')[0]).toMatchObject({
      provider: 'whapi',
      channelId: WHAPI_CHANNEL,
      providerMessageId: 'TestWhapiMsgId0003-abc',
      fromId: USER,
      body: 'Receipt photo',
      mediaStatus: 'pending',
      mediaSize: 48213,
    });
    expect(JSON.parse(publisher.published[0]?.message.body ?? '{}')).toMatchObject({
      provider: 'whapi',
      mediaId: 'jpeg-TESTMEDIAID0001',
      link: 'https://example.invalid/whapi-media/jpeg-TESTMEDIAID0001.jpeg',
      kind: 'image',
    });
  });

  it('uses the receipt time when the item has no usable timestamp, and the event contact when no sender', async () => {
    const { stores, deps, logger } = setup();
    const event = metaMessageEvent('acme', 'meta-webhook-text.json', {
      item: { id: 'wamid.TEST-NO-TIME', type: 'text', text: { body: 'x' } },
      providerMessageId: 'wamid.TEST-NO-TIME',
      contact: undefined,
    });

    await writeInboundEvent(deps, event, logger);

    expect(stores.rowsOf('acme')[0]).toMatchObject({ sentAt: new Date(RECEIVED_AT), fromId: USER, fromName: null });
  });

  it("writes each tenant's messages into that tenant's database only", async () => {
    const { stores, deps, logger } = setup();

    await writeInboundEvent(deps, metaMessageEvent('acme', 'meta-webhook-text.json'), logger);
    await writeInboundEvent(deps, whapiMessageEvent('globex', 'whapi-webhook-message.json'), logger);

    expect(stores.rowsOf('acme').map((row) => row.providerMessageId)).toEqual(['wamid.TEST-IN-TEXT-0001']);
    expect(stores.rowsOf('globex').map((row) => row.providerMessageId)).toEqual(['TestWhapiMsgId0001-abc']);
  });

  it('fails the record when the tenant database is unavailable, and publishes nothing', async () => {
    const { stores, publisher, deps, logger } = setup();
    stores.store('acme').unavailable = true;

    const attempt = writeInboundEvent(deps, metaMessageEvent('acme', 'meta-webhook-image.json'), logger);

    await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: 'TENANT_DB_UNAVAILABLE', retryable: true });
    expect(publisher.published).toEqual([]);
  });

  it('logs one line per message with tenant, provider, message id and outcome, but not the text', async () => {
    const { deps, logger, lines } = setup();

    await writeInboundEvent(deps, metaMessageEvent('acme', 'meta-webhook-text.json'), logger);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'inbound message written',
      tenantId: 'acme',
      provider: 'meta',
      providerMessageId: 'wamid.TEST-IN-TEXT-0001',
      outcome: 'inserted',
      mediaStatus: 'none',
      lagMs: 1500,
    });
    expect(JSON.stringify(lines)).not.toContain('Hello, is the shop open today?');
  });
});

describe('writeInboundEvent: media results', () => {
  it('records a stored file on the pending row', async () => {
    const { stores, deps, logger } = setup();
    const message = metaMessageEvent('acme', 'meta-webhook-image.json');
    await writeInboundEvent(deps, message, logger);

    const outcome = await writeInboundEvent(deps, mediaResultEvent(message, STORED), logger);

    expect(outcome).toBe('applied');
    expect(stores.rowsOf('acme')[0]).toMatchObject({
      mediaStatus: 'stored',
      mediaKey: STORED.key,
      mediaMimeType: 'image/jpeg',
      mediaSize: 48213,
      mediaSha256: STORED.sha256,
    });
  });

  it('records a failed download with its reason on the row', async () => {
    const { stores, deps, logger, lines } = setup();
    const message = metaMessageEvent('acme', 'meta-webhook-video.json');
    await writeInboundEvent(deps, message, logger);

    await writeInboundEvent(deps, mediaResultEvent(message, { status: 'failed', code: 'MEDIA_TOO_LARGE', reason: 'over 100 MB' }), logger);

    expect(stores.rowsOf('acme')[0]).toMatchObject({ mediaStatus: 'failed', mediaError: 'MEDIA_TOO_LARGE: over 100 MB' });
    expect(lines.at(-1)).toMatchObject({ msg: 'media result applied', outcome: 'applied', mediaStatus: 'failed', mediaErrorCode: 'MEDIA_TOO_LARGE' });
  });

  it('leaves the row alone when a media result is delivered again', async () => {
    const { stores, deps, logger } = setup();
    const message = metaMessageEvent('acme', 'meta-webhook-image.json');
    await writeInboundEvent(deps, message, logger);
    await writeInboundEvent(deps, mediaResultEvent(message, STORED), logger);

    const outcome = await writeInboundEvent(deps, mediaResultEvent(message, { status: 'failed', code: 'X', reason: 'late' }), logger);

    expect(outcome).toBe('unchanged');
    expect(stores.rowsOf('acme')[0]).toMatchObject({ mediaStatus: 'stored', mediaError: null });
  });

  it('throws a retryable error when the row of a media result is not there', async () => {
    const { deps, logger } = setup();
    const message = metaMessageEvent('acme', 'meta-webhook-image.json');

    const attempt = writeInboundEvent(deps, mediaResultEvent(message, STORED), logger);

    await expect(attempt).rejects.toBeInstanceOf(MediaTargetMissingError);
    const error: unknown = await attempt.catch((caught: unknown) => caught);
    expect(isGatewayError(error) && error.retryable && error.code).toBe('MEDIA_TARGET_MISSING');
  });

  it("applies a media result in its own tenant's database only", async () => {
    const { stores, deps, logger } = setup();
    const acmeImage = metaMessageEvent('acme', 'meta-webhook-image.json');
    const globexImage = metaMessageEvent('globex', 'meta-webhook-image.json');
    await writeInboundEvent(deps, acmeImage, logger);
    await writeInboundEvent(deps, globexImage, logger);

    await writeInboundEvent(deps, mediaResultEvent(globexImage, STORED), logger);

    expect(stores.rowsOf('acme')[0]?.mediaStatus).toBe('pending');
    expect(stores.rowsOf('globex')[0]?.mediaStatus).toBe('stored');
  });
});
