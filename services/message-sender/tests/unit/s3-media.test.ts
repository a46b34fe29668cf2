import { keyBasename, mayTenantSendKey, s3MediaOf, withProviderMediaIds } from '../../src/s3-media';

describe('s3MediaOf', () => {
  it('finds the s3_key media of a media message, an interactive header and template header parameters, each key once', () => {
    // Prepare
    const messages = [
      { type: 'document', document: { s3_key: 'outbound/t1/a.pdf', filename: 'A.pdf' } },
      { type: 'interactive', interactive: { type: 'button', header: { type: 'video', video: { s3_key: 'outbound/t1/v.mp4' } } } },
      {
        type: 'template',
        template: {
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { s3_key: 'outbound/t1/i.jpg' } }, { type: 'image', image: { s3_key: 'outbound/t1/i.jpg' } }] },
          ],
        },
      },
    ];

    // Act
    const found = messages.map((message) => s3MediaOf(message));

    // Assert
    expect(found).toEqual([
      [{ key: 'outbound/t1/a.pdf', kind: 'document', filename: 'A.pdf' }],
      [{ key: 'outbound/t1/v.mp4', kind: 'video' }],
      [{ key: 'outbound/t1/i.jpg', kind: 'image' }],
    ]);
  });

  it('finds nothing in media given by link or id, or in messages without media', () => {
    // Act
    const found = [
      { type: 'image', image: { link: 'https://example.test/a.jpg' } },
      { type: 'audio', audio: { id: '123' } },
      { type: 'text', text: { body: 's3_key' } },
      { type: 'interactive', interactive: { type: 'list', header: { type: 'text', text: 'x' } } },
    ].flatMap((message) => s3MediaOf(message));

    // Assert
    expect(found).toEqual([]);
  });
});

describe('withProviderMediaIds', () => {
  it('swaps each key for its id and leaves the input message untouched', () => {
    // Prepare
    const message = { type: 'image', image: { s3_key: 'outbound/t1/a.jpg', caption: 'c' } };

    // Act
    const replaced = withProviderMediaIds(message, new Map([['outbound/t1/a.jpg', 'media-9']]));

    // Assert
    expect(replaced).toEqual({ type: 'image', image: { id: 'media-9', caption: 'c' } });
    expect(message.image.s3_key).toBe('outbound/t1/a.jpg');
  });
});

describe('mayTenantSendKey', () => {
  it.each([
    ['media/t1/meta/100/a.jpg', true],
    ['outbound/t1/a.jpg', true],
    ['outbound/t1/deep/er/a.jpg', true],
    ['outbound/t2/a.jpg', false],
    ['outbound/t1', false],
    ['outbound/t10/a.jpg', false],
    ['raw/meta/x.json', false],
    ['parked/meta/x.json', false],
    ['outbound/t1/../t2/a.jpg', false],
    ['outbound/t1/./a.jpg', false],
    ['outbound/t1//a.jpg', false],
  ])('%s → %s for tenant t1', (key, allowed) => {
    expect(mayTenantSendKey('t1', key)).toBe(allowed);
  });
});

describe('keyBasename', () => {
  it('is the last segment of the key', () => {
    expect(keyBasename('outbound/t1/2025/invoice.pdf')).toBe('invoice.pdf');
  });
});
