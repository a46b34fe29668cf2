import { sendMessage } from '../../src/send-message';
import { anOutboundEvent, senderWorld, TENANT } from '../support/builders';
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
