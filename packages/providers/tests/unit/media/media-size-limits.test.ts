import { mediaSizeLimit } from '../../../src/media/media-size-limits';

const MIB = 1024 * 1024;

describe('mediaSizeLimit', () => {
  it.each([
    ['image', 5 * MIB],
    ['audio', 16 * MIB],
    ['voice', 16 * MIB],
    ['video', 16 * MIB],
    ['document', 100 * MIB],
    ['sticker', 500 * 1024],
  ])('limits %s to the size WhatsApp allows', (kind, limit) => {
    expect(mediaSizeLimit(kind, 1024 * MIB)).toBe(limit);
  });

  it('never goes above the global cap', () => {
    expect(mediaSizeLimit('document', 10 * MIB)).toBe(10 * MIB);
  });

  it('gives an unknown kind the global cap', () => {
    expect(mediaSizeLimit('hologram', 42)).toBe(42);
  });
});
