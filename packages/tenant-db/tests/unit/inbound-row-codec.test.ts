import { TenantRowInvalidError } from '../../src/errors';
import { decodeInboundRow, encodeInboundRow, encodeJson, encodeMediaError } from '../../src/inbound-row-codec';
import { anInboundRow } from '../support/inbound-row-builder';

describe('inbound row codec', () => {
  it('replaces NUL characters in text, JSON values and JSON keys', () => {
    expect(encodeJson({ 'k\u0000': ['a\u0000b', { c: '\u0000' }] })).toBe('{"k\uFFFD":["a\uFFFDb",{"c":"\uFFFD"}]}');
    expect(encodeInboundRow(anInboundRow({ body: 'x\u0000y' })).body).toBe('x\uFFFDy');
  });

  it('keeps a literal backslash-u sequence intact', () => {
    expect(JSON.parse(encodeJson({ text: '\\u0000' }))).toEqual({ text: '\\u0000' });
  });

  it('refuses a value wider than its column', () => {
    expect(() => encodeInboundRow(anInboundRow({ channelId: 'c'.repeat(129) }))).toThrow(TenantRowInvalidError);
    expect(() => encodeInboundRow(anInboundRow({ type: 't'.repeat(65) }))).toThrow(/type is 65 characters long; the column holds 64/);
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
