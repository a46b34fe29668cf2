import { TenantRowInvalidError } from '../../src/errors';
import { decodeInboundRow, encodeInboundRow, encodeJson, encodeMediaError, encodeStoredMedia } from '../../src/inbound-row-codec';
import { anInboundRow } from '../support/inbound-row-builder';

describe('inbound row codec', () => {
  it('replaces NUL characters in text, JSON values and JSON keys', () => {
    expect(encodeJson({ 'k\u0000': ['a\u0000b', { c: '\u0000' }] })).toBe('{"k\uFFFD":["a\uFFFDb",{"c":"\uFFFD"}]}');
    expect(encodeInboundRow(anInboundRow({ body: 'x\u0000y' })).body).toBe('x\uFFFDy');
  });

  it('keeps a literal backslash-u sequence intact', () => {
    expect(JSON.parse(encodeJson({ text: '\\u0000' }))).toEqual({ text: '\\u0000' });
  });

  it.each([
    ['provider', { provider: 'p'.repeat(17) as 'meta' }, /provider is 17 characters long; the column holds 16/],
    ['channel_id', { channelId: 'c'.repeat(129) }, /channel_id is 129 characters long; the column holds 128/],
    ['provider_message_id', { providerMessageId: 'x'.repeat(257) }, /provider_message_id is 257/],
    ['from_id', { fromId: 'f'.repeat(257) }, /from_id is 257/],
    ['reply_to_id', { replyToId: 'r'.repeat(257) }, /reply_to_id is 257/],
    ['media_key', { mediaKey: 'k'.repeat(1025) }, /media_key is 1025/],
  ])('refuses a %s wider than its column: a key or id must never be cut', (_column, overrides, message) => {
    expect(() => encodeInboundRow(anInboundRow(overrides))).toThrow(TenantRowInvalidError);
    expect(() => encodeInboundRow(anInboundRow(overrides))).toThrow(message);
  });

  it('cuts a type or media content type wider than its column instead of refusing the message', () => {
    // Prepare
    const row = anInboundRow({ type: 't'.repeat(65), mediaMimeType: `application/${'x'.repeat(300)}` });

    // Act
    const encoded = encodeInboundRow(row);

    // Assert
    expect(encoded.type).toBe('t'.repeat(64));
    expect(encoded.media_mime_type).toBe(`application/${'x'.repeat(300)}`.slice(0, 255));
  });

  it('cuts a stored media content type wider than its column, so the row does not stay pending', () => {
    // Act
    const encoded = encodeStoredMedia({ status: 'stored', key: 'media/k', mimeType: `video/${'y'.repeat(400)}`, size: 1, sha256: 'ab' });

    // Assert
    expect(encoded.media_mime_type).toHaveLength(255);
    expect(encoded.media_key).toBe('media/k');
  });

  it('never cuts a surrogate pair in half', () => {
    // Act
    const encoded = encodeInboundRow(anInboundRow({ type: `${'t'.repeat(63)}\u{1F600}` }));

    // Assert
    expect(encoded.type).toBe('t'.repeat(63));
  });

  it('refuses a stored media key wider than its column', () => {
    expect(() => encodeStoredMedia({ status: 'stored', key: 'k'.repeat(1025), mimeType: 'image/jpeg', size: 1, sha256: 'ab' })).toThrow(
      TenantRowInvalidError,
    );
  });

  it('accepts values exactly as wide as their column', () => {
    expect(encodeInboundRow(anInboundRow({ providerMessageId: 'x'.repeat(256) })).provider_message_id).toHaveLength(256);
  });

  it('refuses an invalid date', () => {
    expect(() => encodeInboundRow(anInboundRow({ sentAt: new Date('nope') }))).toThrow(/sent_at is not a valid date/);
  });

  it('refuses a date SQL Server cannot hold in every dialect alike (a millisecond timestamp read as seconds)', () => {
    const millisecondsAsSeconds = new Date(1_760_000_000_000 * 1000);

    expect(() => encodeInboundRow(anInboundRow({ sentAt: millisecondsAsSeconds }))).toThrow(TenantRowInvalidError);
  });

  it('records a media failure as "CODE: reason"', () => {
    expect(encodeMediaError({ status: 'failed', code: 'MEDIA_HTTP_404', reason: 'gone' })).toBe('MEDIA_HTTP_404: gone');
  });

  it('decodes JSON kept as text and BIGINT kept as a string', () => {
    // Prepare
    const row = anInboundRow({ mediaSize: 5_000_000_000 });
    const encoded = encodeInboundRow(row);

    // Act
    const decoded = decodeInboundRow({ ...encoded, id: '9007199254740993', media_size: '5000000000' });

    // Assert
    expect(decoded).toEqual({ ...row, id: '9007199254740993' });
  });
});
