import { asciiJson } from '../../src/ascii-json';

describe('asciiJson', () => {
  it('keeps the JSON value while leaving only ASCII in the text', () => {
    // Prepare: emoji (outside the BMP), accents, and U+FFFE / U+FFFF, which SQS refuses in a body.
    const value = { text: { body: 'olá 😀 café \ufffe\uffff — 中文' }, id: 'wamid.1' };

    // Act
    const encoded = asciiJson(JSON.stringify(value));

    // Assert
    expect(encoded).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(encoded)).toEqual(value);
  });

  it('leaves ASCII JSON untouched', () => {
    const json = JSON.stringify({ a: 'plain "quoted" \\ text', n: 1 });
    expect(asciiJson(json)).toBe(json);
  });
});
