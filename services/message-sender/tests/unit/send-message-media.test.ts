import { sendMessage } from '../../src/send-message';
import { NotStartedError } from '../../src/errors';
import { anOutboundEvent, SEND_TIMEOUT_MS, senderWorld, TENANT, UPLOAD_TIMEOUT_MS } from '../support/builders';
import { capturingLogger } from '../support/fakes';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46]);

describe('sendMessage with s3_key media', () => {
  it('uploads the object with its bytes, type and basename, then sends the provider media id instead of the key', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/2025/photo.jpg`, JPEG, 'image/jpeg');
    meta.uploadAnswers = [{ outcome: 'accepted', providerMessageId: '1234567890' }];
    const message = { type: 'image', image: { s3_key: `outbound/${TENANT}/2025/photo.jpg`, caption: 'Your receipt' } };

    // Act
    await sendMessage(deps, anOutboundEvent({ message }), capturingLogger().logger);

    // Assert
    expect(meta.uploads).toEqual([{ token: 'EAAG-first-token-0001', media: { bytes: JPEG, mimeType: 'image/jpeg', filename: 'photo.jpg' } }]);
    expect(meta.sends.map((call) => call.message)).toEqual([{ type: 'image', image: { id: '1234567890', caption: 'Your receipt' } }]);
  });

  it('names a document upload after the message\'s filename, and gives a nameless document the key\'s basename', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`media/${TENANT}/meta/100/abc.pdf`, PDF, 'application/pdf');

    // Act
    await sendMessage(
      deps,
      anOutboundEvent({ message: { type: 'document', document: { s3_key: `media/${TENANT}/meta/100/abc.pdf`, filename: 'Invoice 7.pdf' } } }),
      capturingLogger().logger,
    );
    await sendMessage(
      deps,
      anOutboundEvent({ rowId: '43', message: { type: 'document', document: { s3_key: `media/${TENANT}/meta/100/abc.pdf` } } }),
      capturingLogger().logger,
    );

    // Assert
    expect(meta.uploads.map((call) => call.media.filename)).toEqual(['Invoice 7.pdf', 'abc.pdf']);
    expect(meta.sends.map((call) => call.message)).toEqual([
      { type: 'document', document: { id: 'media-1', filename: 'Invoice 7.pdf' } },
      { type: 'document', document: { id: 'media-2', filename: 'abc.pdf' } },
    ]);
  });

  it('replaces an s3_key in a template header parameter and in an interactive header, uploading a repeated key once', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    const key = `outbound/${TENANT}/banner.jpg`;
    blobs.add(key, JPEG, 'image/jpeg');
    const template = {
      type: 'template',
      template: {
        name: 'order_shipped',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { s3_key: key } }] },
          { type: 'body', parameters: [{ type: 'text', text: '1234' }] },
        ],
      },
    };
    const interactive = {
      type: 'interactive',
      interactive: { type: 'button', header: { type: 'image', image: { s3_key: key } }, body: { text: 'Pick' }, action: { buttons: [] } },
    };

    // Act
    await sendMessage(deps, anOutboundEvent({ message: template }), capturingLogger().logger);
    await sendMessage(deps, anOutboundEvent({ rowId: '43', message: interactive }), capturingLogger().logger);

    // Assert
    expect(meta.uploads).toHaveLength(2);
    expect(meta.sends[0]?.message).toEqual({
      ...template,
      template: {
        ...template.template,
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { id: 'media-1' } }] },
          { type: 'body', parameters: [{ type: 'text', text: '1234' }] },
        ],
      },
    });
    expect(meta.sends[1]?.message).toMatchObject({ interactive: { header: { type: 'image', image: { id: 'media-2' } } } });
  });

  it('falls back to application/octet-stream for an object stored without a content type', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/x.bin`, PDF);

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'document', document: { s3_key: `outbound/${TENANT}/x.bin` } } }), capturingLogger().logger);

    // Assert
    expect(meta.uploads[0]?.media.mimeType).toBe('application/octet-stream');
  });

  it.each([
    ['another tenant\'s media', 'media/tenant-b/meta/100/abc.jpg'],
    ['another tenant\'s uploads', 'outbound/tenant-b/photo.jpg'],
    ['a prefix that only starts like the tenant id', `outbound/${TENANT}x/photo.jpg`],
    ['a key outside both prefixes', 'raw/meta/abc.json'],
    ['a key that walks up out of the prefix', `outbound/${TENANT}/../tenant-b/photo.jpg`],
  ])('records failed MEDIA_KEY_FORBIDDEN for %s, without reading or uploading anything', async (_case, key) => {
    // Prepare
    const { deps, meta, blobs, results } = senderWorld();
    blobs.add(key, JPEG, 'image/jpeg');

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: key } } }), capturingLogger().logger);

    // Assert
    expect(blobs.reads).toEqual([]);
    expect(meta.uploads).toEqual([]);
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'MEDIA_KEY_FORBIDDEN' });
  });

  it('records failed MEDIA_NOT_FOUND for a key with no object', async () => {
    // Prepare
    const { deps, meta, results } = senderWorld();

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: `outbound/${TENANT}/gone.jpg` } } }), capturingLogger().logger);

    // Assert
    expect(meta.uploads).toEqual([]);
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'MEDIA_NOT_FOUND' });
  });

  it('records failed with the provider code when the upload is refused for good, and sends nothing', async () => {
    // Prepare
    const { deps, meta, blobs, results } = senderWorld();
    blobs.add(`outbound/${TENANT}/bad.jpg`, JPEG, 'image/jpeg');
    meta.uploadAnswers = [{ outcome: 'rejected', code: '131053', message: 'Media upload error', retry: 'permanent' }];

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: `outbound/${TENANT}/bad.jpg` } } }), capturingLogger().logger);

    // Assert
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: '131053', message: expect.stringContaining('Media upload error') });
  });

  it.each([
    ['a rate limit', { outcome: 'rejected', code: '130429', message: 'Rate limit hit', retry: 'retryable', minDelaySeconds: 1 } as const],
    ['no answer (an upload is safe to repeat)', { outcome: 'unknown', code: 'ETIMEDOUT', message: 'timeout' } as const],
  ])('throws a retryable error for an upload that met %s, and sends nothing', async (_case, answer) => {
    // Prepare
    const { deps, meta, blobs, results } = senderWorld();
    blobs.add(`outbound/${TENANT}/a.jpg`, JPEG, 'image/jpeg');
    meta.uploadAnswers = [answer];

    // Act
    const sending = sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: `outbound/${TENANT}/a.jpg` } } }), capturingLogger().logger);

    // Assert
    await expect(sending).rejects.toMatchObject({ retryable: true, code: 'PROVIDER_RETRYABLE', providerCode: answer.code });
    expect(meta.sends).toEqual([]);
    expect(results.published).toEqual([]);
  });

  it('refreshes an expired token during the upload and uses the fresh one for the send too', async () => {
    // Prepare
    const { deps, meta, blobs, credentials } = senderWorld();
    credentials.tokens = ['EAAG-expired', 'EAAG-fresh'];
    blobs.add(`outbound/${TENANT}/a.jpg`, JPEG, 'image/jpeg');
    meta.uploadAnswers = [{ outcome: 'rejected', code: '190', message: 'expired', retry: 'token-expired' }];

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: `outbound/${TENANT}/a.jpg` } } }), capturingLogger().logger);

    // Assert
    expect(meta.uploads.map((call) => call.token)).toEqual(['EAAG-expired', 'EAAG-fresh']);
    expect(meta.sends.map((call) => call.token)).toEqual(['EAAG-fresh']);
    expect(credentials.invalidations).toBe(1);
  });

  it('leaves media given by link or provider id alone', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    const message = { type: 'image', image: { link: 'https://example.test/a.jpg' } };

    // Act
    await sendMessage(deps, anOutboundEvent({ message }), capturingLogger().logger);

    // Assert
    expect(blobs.reads).toEqual([]);
    expect(meta.uploads).toEqual([]);
    expect(meta.sends[0]?.message).toEqual(message);
  });
});

describe('sendMessage with s3_key media over the provider\'s limit', () => {
  it('records failed MEDIA_TOO_LARGE for an image over the image limit, without reading its bytes or uploading', async () => {
    // Prepare: the test limits are 64 bytes for an image, 1 KiB for other kinds
    const { deps, meta, blobs, results } = senderWorld();
    blobs.add(`outbound/${TENANT}/huge.jpg`, new Uint8Array(65), 'image/jpeg');

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'image', image: { s3_key: `outbound/${TENANT}/huge.jpg` } } }), capturingLogger().logger);

    // Assert
    expect(blobs.sizedOnly).toEqual([`outbound/${TENANT}/huge.jpg`]);
    expect(blobs.reads).toEqual([]);
    expect(meta.uploads).toEqual([]);
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({
      status: 'failed',
      code: 'MEDIA_TOO_LARGE',
      message: `s3_key outbound/${TENANT}/huge.jpg is 65 bytes; meta takes at most 64 bytes for an image`,
    });
  });

  it('applies the limit of the media kind: the same bytes go as a document', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/scan.pdf`, new Uint8Array(65), 'application/pdf');

    // Act
    await sendMessage(deps, anOutboundEvent({ message: { type: 'document', document: { s3_key: `outbound/${TENANT}/scan.pdf` } } }), capturingLogger().logger);

    // Assert
    expect(meta.uploads).toHaveLength(1);
    expect(meta.sends).toHaveLength(1);
  });

  it('stops at the first media over the limit: nothing is sent, earlier uploads stay unused', async () => {
    // Prepare
    const { deps, meta, blobs, results } = senderWorld();
    blobs.add(`outbound/${TENANT}/small.jpg`, JPEG, 'image/jpeg').add(`outbound/${TENANT}/big.jpg`, new Uint8Array(100), 'image/jpeg');
    const template = {
      type: 'template',
      template: {
        name: 'two_pictures',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { s3_key: `outbound/${TENANT}/small.jpg` } }] },
          { type: 'body', parameters: [{ type: 'image', image: { s3_key: `outbound/${TENANT}/big.jpg` } }] },
        ],
      },
    };

    // Act
    await sendMessage(deps, anOutboundEvent({ message: template }), capturingLogger().logger);

    // Assert
    expect(meta.uploads).toHaveLength(1);
    expect(meta.sends).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'MEDIA_TOO_LARGE' });
  });
});

describe('sendMessage with s3_key media near the end of the invocation', () => {
  const image = (name: string) => ({ type: 'image', image: { s3_key: `outbound/${TENANT}/${name}` } });
  const headerImage = {
    type: 'interactive',
    interactive: { type: 'button', header: image('b.jpg'), body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'x', title: 'X' } }] } },
  };

  it('does not start a record without time for an upload, two sends and the publish margin', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/a.jpg`, JPEG, 'image/jpeg');
    const needed = UPLOAD_TIMEOUT_MS + 2 * SEND_TIMEOUT_MS + 2_000;

    // Act
    const sending = sendMessage(deps, anOutboundEvent({ message: image('a.jpg') }), capturingLogger().logger, {
      receiveCount: 1,
      remainingTimeMs: () => needed - 1,
    });

    // Assert
    await expect(sending).rejects.toMatchObject({ code: 'NOT_STARTED', neededMs: needed });
    expect(blobs.reads).toEqual([]);
    expect(meta.uploads).toEqual([]);
  });

  it('does not start the next upload when the one before used up the time, and sends nothing', async () => {
    // Prepare: two keys, time for exactly one upload, two sends and the margin; the first upload takes a millisecond
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/a.jpg`, JPEG, 'image/jpeg').add(`outbound/${TENANT}/b.jpg`, JPEG, 'image/jpeg');
    const template = {
      type: 'template',
      template: {
        name: 'two_pictures',
        language: { code: 'en_US' },
        components: [{ type: 'header', parameters: [image('a.jpg'), image('b.jpg')] }],
      },
    };
    let remaining = UPLOAD_TIMEOUT_MS + 2 * SEND_TIMEOUT_MS + 2_000;
    const upload = meta.uploadMedia.bind(meta);
    meta.uploadMedia = async (channel, media) => {
      remaining -= 1;
      return upload(channel, media);
    };

    // Act
    const sending = sendMessage(deps, anOutboundEvent({ message: template }), capturingLogger().logger, { receiveCount: 1, remainingTimeMs: () => remaining });

    // Assert
    await expect(sending).rejects.toBeInstanceOf(NotStartedError);
    expect(meta.uploads).toHaveLength(1);
    expect(meta.sends).toEqual([]);
  });

  it('needs time for one upload at a time, not for all of them at once', async () => {
    // Prepare: two keys, and time for exactly one upload, two sends and the margin before each
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/a.jpg`, JPEG, 'image/jpeg').add(`outbound/${TENANT}/b.jpg`, JPEG, 'image/jpeg');
    const template = {
      type: 'template',
      template: { name: 'two_pictures', language: { code: 'en_US' }, components: [{ type: 'header', parameters: [image('a.jpg'), image('b.jpg')] }] },
    };

    // Act
    await sendMessage(deps, anOutboundEvent({ message: template }), capturingLogger().logger, {
      receiveCount: 1,
      remainingTimeMs: () => UPLOAD_TIMEOUT_MS + 2 * SEND_TIMEOUT_MS + 2_000,
    });

    // Assert
    expect(meta.uploads).toHaveLength(2);
    expect(meta.sends).toHaveLength(1);
  });

  it('uploads a header image and sends when the time is exactly enough', async () => {
    // Prepare
    const { deps, meta, blobs } = senderWorld();
    blobs.add(`outbound/${TENANT}/b.jpg`, JPEG, 'image/jpeg');

    // Act
    await sendMessage(deps, anOutboundEvent({ message: headerImage }), capturingLogger().logger, {
      receiveCount: 1,
      remainingTimeMs: () => UPLOAD_TIMEOUT_MS + 2 * SEND_TIMEOUT_MS + 2_000,
    });

    // Assert
    expect(meta.uploads).toHaveLength(1);
    expect(meta.sends).toHaveLength(1);
  });
});
