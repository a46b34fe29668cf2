import fc from 'fast-check';
import { MalformedWebhookError } from '@wagw/core/errors';
import { metaMessageContactId, metaStatusContactId, parseMetaWebhook, splitMetaEnvelope } from '../../src/meta/webhook';
import { fixtureBytes, fixtureJson, metaEnvelopeFixtures, utf8 } from '../support/fixtures';
import { metaChange, metaEnvelope, metaStatus, metaText } from '../support/meta-builders';

type Json = Record<string, unknown>;

const bodyOf = (value: unknown): Uint8Array => utf8(JSON.stringify(value));

/** Every item under entry[].changes[].value[key] of a fixture, walked independently of the parser. */
const itemsIn = (body: Json, key: string): Json[] =>
  (body.entry as Json[]).flatMap((entry) =>
    (entry.changes as Json[]).flatMap((change) => ((change.value as Json)[key] as Json[] | undefined) ?? []),
  );

const expectMalformed = (run: () => unknown, message: RegExp): void => {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MalformedWebhookError);
  expect((thrown as MalformedWebhookError).code).toBe('WEBHOOK_MALFORMED');
  expect((thrown as MalformedWebhookError).message).toMatch(message);
};

describe('parseMetaWebhook on the recorded fixtures', () => {
  const fixtures = metaEnvelopeFixtures();

  it('finds the envelope fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixtures)('returns every message, status and error of %s, unchanged', (name) => {
    // Prepare
    const expected = fixtureJson(name);

    // Act
    const changes = parseMetaWebhook(fixtureBytes(name));

    // Assert
    expect(changes.flatMap((change) => change.messages.map((message) => message.item))).toEqual(itemsIn(expected, 'messages'));
    expect(changes.flatMap((change) => change.statuses)).toEqual(itemsIn(expected, 'statuses'));
    expect(changes.flatMap((change) => change.errors)).toEqual(itemsIn(expected, 'errors'));
    for (const change of changes) {
      expect(change.wabaId).toBe('200000000000001');
      if (change.field === 'messages') expect(change.phoneNumberId).toBe('100000000000001');
    }
  });

  it('pairs an inbound text with its sender contact', () => {
    const [change] = parseMetaWebhook(fixtureBytes('meta-webhook-text.json'));

    expect(change).toMatchObject({ wabaId: '200000000000001', field: 'messages', phoneNumberId: '100000000000001' });
    expect(change!.messages).toEqual([
      {
        item: expect.objectContaining({ id: 'wamid.TEST-IN-TEXT-0001', from: '15550001111' }),
        contact: { profile: { name: 'Test User' }, wa_id: '15550001111' },
      },
    ]);
    expect(metaMessageContactId(change!.messages[0]!)).toBe('15550001111');
  });

  it('acknowledges a non-messages field without events', () => {
    const changes = parseMetaWebhook(fixtureBytes('meta-webhook-non-messages-field.json'));

    expect(changes).toEqual([
      { wabaId: '200000000000001', field: 'message_template_status_update', messages: [], statuses: [], errors: [] },
    ]);
  });

  it('returns value.errors that arrive without messages or statuses', () => {
    const [change] = parseMetaWebhook(fixtureBytes('meta-webhook-errors.json'));

    expect(change!.messages).toEqual([]);
    expect(change!.statuses).toEqual([]);
    expect(change!.errors).toEqual([expect.objectContaining({ code: 130429, title: 'Rate limit hit' })]);
  });

  it('keeps the item of an unsupported message with its errors', () => {
    const [change] = parseMetaWebhook(fixtureBytes('meta-webhook-unsupported.json'));

    expect(change!.messages[0]!.item).toMatchObject({ type: 'unsupported', errors: [expect.objectContaining({ code: 131051 })] });
  });
});

describe('parseMetaWebhook on batched bodies', () => {
  it('returns every entry, every change and every message and status, in order', () => {
    // Prepare
    const body = metaEnvelope(
      {
        wabaId: 'waba-1',
        changes: [
          metaChange('pn-1', {
            contacts: [{ wa_id: '111', profile: { name: 'One' } }, { wa_id: '222', profile: { name: 'Two' } }],
            messages: [metaText('m1', '111'), metaText('m2', '222'), metaText('m3', '111')],
          }),
          metaChange('pn-1', { statuses: [metaStatus('s1', 'sent'), metaStatus('s1', 'delivered')] }),
        ],
      },
      {
        wabaId: 'waba-2',
        changes: [
          metaChange('pn-2', { contacts: [{ wa_id: '333' }], messages: [metaText('m4', '333')], statuses: [metaStatus('s2', 'read')] }),
          { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
        ],
      },
    );

    // Act
    const changes = parseMetaWebhook(bodyOf(body));

    // Assert
    expect(changes.map((change) => [change.wabaId, change.field, change.phoneNumberId])).toEqual([
      ['waba-1', 'messages', 'pn-1'],
      ['waba-1', 'messages', 'pn-1'],
      ['waba-2', 'messages', 'pn-2'],
      ['waba-2', 'account_update', undefined],
    ]);
    expect(changes[0]!.messages.map((message) => [message.item.id, message.contact?.profile])).toEqual([
      ['m1', { name: 'One' }],
      ['m2', { name: 'Two' }],
      ['m3', { name: 'One' }],
    ]);
    expect(changes[1]!.statuses.map((status) => `${String(status.id)}/${String(status.status)}`)).toEqual(['s1/sent', 's1/delivered']);
    expect(changes[2]!.messages.map((message) => message.item.id)).toEqual(['m4']);
    expect(changes[2]!.statuses.map((status) => status.id)).toEqual(['s2']);
  });

  it('keeps unfamiliar message types, statuses and fields as they are', () => {
    const message = { from: '111', id: 'm-new', timestamp: '1760000000', type: 'hologram', hologram: { depth: 3 }, novel: true };
    const status = { id: 's-new', status: 'beamed', timestamp: '1760000000', recipient_id: '111', extra: [1, 2] };
    const body = metaEnvelope({ wabaId: 'w', changes: [metaChange('pn', { messages: [message], statuses: [status], future: {} })] });

    const [change] = parseMetaWebhook(bodyOf(body));

    expect(change!.messages[0]!.item).toEqual(message);
    expect(change!.statuses[0]).toEqual(status);
  });

  it('reads a body whose non-ASCII text is \\u-escaped', () => {
    const raw = '{"object":"whatsapp_business_account","entry":[{"id":"w","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"pn"},"messages":[{"from":"1","id":"m","timestamp":"1","type":"text","text":{"body":"caf\\u00e9 \\ud83d\\ude00"}}]}}]}]}';

    const [change] = parseMetaWebhook(utf8(raw));

    expect(change!.messages[0]!.item.text).toEqual({ body: 'café 😀' });
  });

  it('accepts an entry id and phone_number_id sent as numbers', () => {
    const body = { object: 'whatsapp_business_account', entry: [{ id: 42, changes: [{ field: 'messages', value: { metadata: { phone_number_id: 7 }, messages: [metaText('m', '1')] } }] }] };

    const [change] = parseMetaWebhook(bodyOf(body));

    expect(change).toMatchObject({ wabaId: '42', phoneNumberId: '7' });
  });
});

describe('sender contacts and contact ids', () => {
  const parseOne = (value: Json) => parseMetaWebhook(bodyOf(metaEnvelope({ wabaId: 'w', changes: [metaChange('pn', value)] })))[0]!;

  it('matches the contact by wa_id among several', () => {
    const change = parseOne({ contacts: [{ wa_id: '1' }, { wa_id: '2', profile: { name: 'B' } }], messages: [metaText('m', '2')] });

    expect(change.messages[0]!.contact).toEqual({ wa_id: '2', profile: { name: 'B' } });
  });

  it('matches a username adopter by from_user_id when from is absent', () => {
    const item = { id: 'm', from_user_id: 'US.BSUID1', timestamp: '1', type: 'text', text: { body: 'x' } };
    const change = parseOne({ contacts: [{ user_id: 'US.BSUID0' }, { user_id: 'US.BSUID1', wa_id: '' }], messages: [item] });

    expect(change.messages[0]!.contact).toEqual({ user_id: 'US.BSUID1', wa_id: '' });
    expect(metaMessageContactId(change.messages[0]!)).toBe('US.BSUID1');
  });

  it('falls back to the only contact when nothing matches', () => {
    const change = parseOne({ contacts: [{ wa_id: '999' }], messages: [metaText('m', '111')] });

    expect(change.messages[0]!.contact).toEqual({ wa_id: '999' });
  });

  it('leaves the contact out when several contacts and none matches', () => {
    const change = parseOne({ contacts: [{ wa_id: '8' }, { wa_id: '9' }], messages: [metaText('m', '111')] });

    expect(change.messages[0]).toEqual({ item: expect.objectContaining({ id: 'm' }) });
  });

  it('prefers from, then the contact user_id, then its wa_id, then from_user_id', () => {
    const item = { id: 'm' };

    expect(metaMessageContactId({ item: { ...item, from: 'F', from_user_id: 'U' }, contact: { user_id: 'C', wa_id: 'W' } })).toBe('F');
    expect(metaMessageContactId({ item: { ...item, from: '', from_user_id: 'U' }, contact: { user_id: 'C', wa_id: 'W' } })).toBe('C');
    expect(metaMessageContactId({ item: { ...item, from_user_id: 'U' }, contact: { wa_id: 'W' } })).toBe('W');
    expect(metaMessageContactId({ item: { ...item, from_user_id: 'U' } })).toBe('U');
    expect(metaMessageContactId({ item })).toBe('');
  });

  it('takes a status contact from recipient_id, else recipient_user_id', () => {
    expect(metaStatusContactId({ id: 's', recipient_id: 'R', recipient_user_id: 'U' })).toBe('R');
    expect(metaStatusContactId({ id: 's', recipient_user_id: 'U' })).toBe('U');
    expect(metaStatusContactId({ id: 's' })).toBe('');
  });
});

describe('parseMetaWebhook on bodies that are no envelope', () => {
  it.each([
    ['empty bytes', utf8(''), /empty/],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/],
    ['truncated JSON', utf8('{"object":"whatsapp_business_account","entry":['), /not valid JSON/],
    ['a JSON array', utf8('[]'), /not a Meta webhook envelope/],
    ['a JSON string', utf8('"hello"'), /not a Meta webhook envelope/],
    ['null', utf8('null'), /not a Meta webhook envelope/],
    ['no entry', bodyOf({ object: 'whatsapp_business_account' }), /not a Meta webhook envelope/],
    ['entry that is an object', bodyOf({ object: 'x', entry: {} }), /not a Meta webhook envelope/],
    ['no object', bodyOf({ entry: [] }), /not a Meta webhook envelope/],
    ['an entry that is no object', bodyOf({ object: 'x', entry: [1] }), /entry\[0\] is not an object/],
    ['changes that are no array', bodyOf({ object: 'x', entry: [{ id: 'w', changes: {} }] }), /entry\[0\]\.changes is not an array/],
    ['a change without field', bodyOf({ object: 'x', entry: [{ id: 'w', changes: [{ value: {} }] }] }), /changes\[0\]\.field/],
    ['a messages value that is no object', bodyOf({ object: 'x', entry: [{ changes: [{ field: 'messages', value: 3 }] }] }), /value is not an object/],
    ['messages that are no array', bodyOf(metaEnvelope({ wabaId: 'w', changes: [metaChange('pn', { messages: {} })] })), /messages is not an array/],
    ['a message without id', bodyOf(metaEnvelope({ wabaId: 'w', changes: [metaChange('pn', { messages: [{ from: '1' }] })] })), /messages\[0\]\.id/],
    ['a status without status', bodyOf(metaEnvelope({ wabaId: 'w', changes: [metaChange('pn', { statuses: [{ id: 's' }] })] })), /statuses\[0\]\.status/],
    ['errors that are no array', bodyOf(metaEnvelope({ wabaId: 'w', changes: [metaChange('pn', { errors: 'boom' })] })), /errors is not an array/],
    [
      'messages without a phone_number_id',
      bodyOf({ object: 'x', entry: [{ id: 'w', changes: [{ field: 'messages', value: { messages: [metaText('m', '1')] } }] }] }),
      /phone_number_id is missing/,
    ],
  ])('rejects %s with a clear MalformedWebhookError', (_name, body, message) => {
    expectMalformed(() => parseMetaWebhook(body), message);
  });

  it('accepts an envelope with no entries', () => {
    expect(splitMetaEnvelope({ object: 'whatsapp_business_account', entry: [] })).toEqual([]);
  });
});

describe('parseMetaWebhook never throws anything but MalformedWebhookError', () => {
  const parseOrMalformed = (body: Uint8Array): void => {
    try {
      parseMetaWebhook(body);
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
    }
  };

  it('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => parseOrMalformed(bytes)));
  });

  it('on every truncation of every fixture', () => {
    for (const name of metaEnvelopeFixtures()) {
      const bytes = fixtureBytes(name);
      for (let length = 0; length < bytes.length; length += 1) parseOrMalformed(bytes.subarray(0, length));
    }
  });

  it('on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => parseOrMalformed(bodyOf(value))));
  });

  it('on random values in envelope positions', () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const value = fc.record(
      { metadata: fc.oneof(anyJson, fc.record({ phone_number_id: anyJson })), contacts: anyJson, messages: anyJson, statuses: anyJson, errors: anyJson },
      { requiredKeys: [] },
    );
    const change = fc.record({ field: fc.oneof(fc.constant('messages'), anyJson), value: fc.oneof(value, anyJson) }, { requiredKeys: [] });
    const entry = fc.record({ id: anyJson, changes: fc.oneof(fc.array(fc.oneof(change, anyJson)), anyJson) }, { requiredKeys: [] });
    const envelope = fc.record({ object: fc.oneof(fc.constant('whatsapp_business_account'), anyJson), entry: fc.oneof(fc.array(fc.oneof(entry, anyJson)), anyJson) });

    fc.assert(fc.property(envelope, (body) => parseOrMalformed(bodyOf(body))), { numRuns: 500 });
  });
});
