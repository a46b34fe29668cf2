import type { LeasedOutboundRow } from '@wagw/core/ports';
import { MAX_QUEUE_BODY_BYTES, queuedBodyBytes, validateOutboundRow } from '../../src/validate-outbound-row';
import { acmeTenant, ALICE, META_CHANNEL, messageFromFixture, SECOND_META_CHANNEL, textMessage, WHAPI_CHANNEL } from '../support/builders';

const NOW = new Date('2025-10-09T09:00:00.000Z');

const leasedRow = (overrides: Partial<LeasedOutboundRow> = {}): LeasedOutboundRow => ({
  id: '42',
  channelId: null,
  toId: ALICE,
  message: textMessage('hello'),
  attempt: 1,
  reservedUntil: new Date('2025-10-09T09:10:00.000Z'),
  createdAt: new Date('2025-10-09T08:59:59.000Z'),
  ...overrides,
});

describe('validateOutboundRow', () => {
  it.each(['text', 'text_reply_context', 'image_by_id', 'document_by_link', 'location', 'contacts', 'interactive_list', 'template', 'reaction'])(
    'accepts the recorded %s request as a message',
    (fixture) => {
      const result = validateOutboundRow(acmeTenant(), leasedRow({ message: messageFromFixture(fixture) }), NOW);

      expect(result.ok).toBe(true);
    },
  );

  it('builds the event from the row, its lease and the channel it resolves to', () => {
    const result = validateOutboundRow(acmeTenant(), leasedRow({ channelId: SECOND_META_CHANNEL, attempt: 3 }), NOW);

    expect(result).toEqual({
      ok: true,
      event: {
        schema: 'outbound-message.v1',
        tenantId: 'acme',
        rowId: '42',
        attempt: 3,
        provider: 'meta',
        channelId: SECOND_META_CHANNEL,
        toId: ALICE,
        message: { type: 'text', text: { body: 'hello' } },
        leaseExpiresAt: '2025-10-09T09:10:00.000Z',
        queuedAt: '2025-10-09T09:00:00.000Z',
      },
    });
  });

  it("resolves a NULL channel to the tenant's default, and takes the provider from the tenant's channel list", () => {
    const byDefault = validateOutboundRow(acmeTenant(), leasedRow(), NOW);
    const whapi = validateOutboundRow(acmeTenant(), leasedRow({ channelId: WHAPI_CHANNEL }), NOW);

    expect(byDefault).toMatchObject({ ok: true, event: { channelId: META_CHANNEL, provider: 'meta' } });
    expect(whapi).toMatchObject({ ok: true, event: { channelId: WHAPI_CHANNEL, provider: 'whapi' } });
  });

  it.each<[string, Partial<LeasedOutboundRow>, string, string]>([
    ['a message that is not JSON', { message: 'hello' }, 'INVALID_MESSAGE', 'message is not valid JSON'],
    ['an unknown type', { message: JSON.stringify({ type: 'foo', foo: {} }) }, 'INVALID_MESSAGE', "unknown type 'foo'"],
    ['media without a source', { message: JSON.stringify({ type: 'image', image: { caption: 'x' } }) }, 'INVALID_MESSAGE', 'link, id or s3_key'],
    ['an empty recipient', { toId: '' }, 'INVALID_RECIPIENT', 'to_id is empty'],
    ['a channel of no tenant', { channelId: '100000000000009' }, 'UNKNOWN_CHANNEL', "channel 100000000000009 is not one of tenant acme's channels"],
  ])('fails %s', (_label, overrides, code, reason) => {
    const result = validateOutboundRow(acmeTenant(), leasedRow(overrides), NOW);

    if (result.ok) throw new Error('expected a failure');
    expect(result.failure.code).toBe(code);
    expect(result.failure.message).toContain(reason);
  });

  it('fails a message too large for a queue message instead of failing every enqueue', () => {
    const message = JSON.stringify({ type: 'text', text: { body: 'hi' }, padding: 'é'.repeat(50_000) });

    const result = validateOutboundRow(acmeTenant(), leasedRow({ message }), NOW);

    expect(result).toMatchObject({ ok: false, failure: { code: 'MESSAGE_TOO_LARGE' } });
  });

  it('counts each non-ASCII UTF-16 unit as the six bytes of its escape', () => {
    expect(queuedBodyBytes('abc')).toBe(3);
    expect(queuedBodyBytes('é😀')).toBe(18);
    expect(MAX_QUEUE_BODY_BYTES).toBe(262_144);
  });
});
