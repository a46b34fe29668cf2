import fc from 'fast-check';
import { normalizeMetaMessage } from '../../src/meta/normalize-message';
import type { NormalizedMessage } from '../../src/normalized-message';
import { normalizeWhapiMessage } from '../../src/whapi/normalize-message';

const TYPES = [
  'text', 'image', 'video', 'gif', 'audio', 'voice', 'document', 'sticker', 'location', 'live_location', 'contacts',
  'contact', 'contact_list', 'interactive', 'button', 'reaction', 'action', 'reply', 'poll', 'order', 'system',
  'unsupported', 'request_welcome', 'link_preview', 'constructor', '__proto__', 'toString',
];

/** Objects shaped like message items: a known type, its object filled with arbitrary JSON. */
const itemLike = fc.record(
  {
    id: fc.oneof(fc.string(), fc.jsonValue()),
    from: fc.oneof(fc.string(), fc.jsonValue()),
    timestamp: fc.oneof(fc.integer().map(String), fc.double(), fc.string(), fc.jsonValue()),
    type: fc.constantFrom(...TYPES),
    context: fc.jsonValue(),
  },
  { requiredKeys: ['type'] },
).chain((item) =>
  fc
    .dictionary(fc.constantFrom('type', 'id', 'emoji', 'title', 'body', 'caption', 'latitude', 'response_json', 'list', 'product_items'), fc.jsonValue())
    .map((content) => ({ ...item, [item.type]: content }) as Record<string, unknown>),
);

const anyObject = fc.oneof(fc.object(), fc.dictionary(fc.string(), fc.jsonValue()), itemLike);

const expectShape = (normalized: NormalizedMessage): void => {
  expect(typeof normalized.providerMessageId).toBe('string');
  expect(typeof normalized.fromId).toBe('string');
  expect(typeof normalized.type).toBe('string');
  expect(normalized.body === null || typeof normalized.body === 'string').toBe(true);
  expect(normalized.replyToId === null || typeof normalized.replyToId === 'string').toBe(true);
  expect(normalized.sentAt === null || !Number.isNaN(normalized.sentAt.getTime())).toBe(true);
  // The payload goes into a JSON column.
  expect(() => JSON.stringify(normalized.payload)).not.toThrow();
};

describe('normalization is total', () => {
  it('turns any JSON object into a Meta NormalizedMessage without throwing', () => {
    fc.assert(
      fc.property(anyObject, fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }), (item, contact) => {
        expectShape(normalizeMetaMessage(item, contact));
      }),
      { numRuns: 2000 },
    );
  });

  it('turns any JSON object into a Whapi NormalizedMessage without throwing', () => {
    fc.assert(
      fc.property(anyObject, (item) => {
        expectShape(normalizeWhapiMessage(item));
      }),
      { numRuns: 2000 },
    );
  });

  it('survives values that are not objects at all', () => {
    for (const value of [null, undefined, 42, 'text', [], [1, 2]]) {
      const asItem = value as unknown as Record<string, unknown>;

      expect(normalizeMetaMessage(asItem, asItem).type).toBe('unknown');
      expect(normalizeWhapiMessage(asItem).type).toBe('unknown');
    }
  });
});
