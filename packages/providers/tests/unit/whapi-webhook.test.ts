import fc from 'fast-check';
import { MalformedWebhookError } from '@wagw/core/errors';
import { isWhapiEcho, parseWhapiWebhook, whapiMessageContactId, whapiStatusContactId } from '../../src/whapi/webhook';
import { fixtureBytes, fixtureJson, utf8, whapiWebhookFixtures } from '../support/fixtures';

const bodyOf = (value: unknown): Uint8Array => utf8(JSON.stringify(value));

const expectMalformed = (run: () => unknown, message: RegExp): void => {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MalformedWebhookError);
  expect((thrown as MalformedWebhookError).message).toMatch(message);
};

describe('parseWhapiWebhook on the recorded fixtures', () => {
  it('finds the Whapi webhook fixtures', () => {
    expect(whapiWebhookFixtures().length).toBeGreaterThanOrEqual(7);
  });

  it.each(whapiWebhookFixtures())('returns every message and status of %s, unchanged', (name) => {
    // Prepare
    const expected = fixtureJson<{ messages?: unknown[]; statuses?: unknown[]; event: unknown }>(name);

    // Act
    const webhook = parseWhapiWebhook(fixtureBytes(name));

    // Assert
    expect(webhook.channelId).toBe('TESTCH-ABCDE');
    expect(webhook.messages).toEqual(expected.messages ?? []);
    expect(webhook.statuses).toEqual(expected.statuses ?? []);
    expect(webhook.event).toEqual(expected.event);
    expect(webhook.ignoredKeys).toEqual([]);
  });

  it('reads an inbound text with its conversation', () => {
    const webhook = parseWhapiWebhook(fixtureBytes('whapi-webhook-message.json'));

    const [message] = webhook.messages;
    expect(message).toMatchObject({ id: 'TestWhapiMsgId0001-abc', type: 'text' });
    expect(isWhapiEcho(message!)).toBe(false);
    expect(whapiMessageContactId(message!)).toBe('15550001111@s.whatsapp.net');
  });

  it('recognises the echo of our own send', () => {
    const [message] = parseWhapiWebhook(fixtureBytes('whapi-webhook-message-from-me.json')).messages;

    expect(isWhapiEcho(message!)).toBe(true);
  });

  it('takes a status conversation from recipient_id', () => {
    const [status] = parseWhapiWebhook(fixtureBytes('whapi-webhook-status.json')).statuses;

    expect(whapiStatusContactId(status!)).toBe('15550001111@s.whatsapp.net');
  });
});

describe('parseWhapiWebhook on other envelopes', () => {
  it('acknowledges keys that carry no events and returns every message and status', () => {
    const body = {
      channel_id: 'CH-1',
      messages: [{ id: 'a', chat_id: 'x@s.whatsapp.net' }, { id: 'b', from: '123' }],
      statuses: [{ id: 'c', status: 'read', recipient_id: 'x@s.whatsapp.net', timestamp: 1 }, { id: 'd', status: 'pending' }],
      chats_updates: [{ id: 'x' }],
      presences: [],
    };

    const webhook = parseWhapiWebhook(bodyOf(body));

    expect(webhook.messages.map((message) => message.id)).toEqual(['a', 'b']);
    expect(webhook.statuses.map((status) => status.id)).toEqual(['c', 'd']);
    expect(webhook.ignoredKeys).toEqual(['chats_updates', 'presences']);
    expect(webhook.event).toBeUndefined();
  });

  it('accepts an envelope that has only an event header', () => {
    expect(parseWhapiWebhook(bodyOf({ channel_id: 'CH', event: { type: 'service', event: 'post' }, health: { status: 'AUTH' } }))).toEqual({
      channelId: 'CH',
      event: { type: 'service', event: 'post' },
      messages: [],
      statuses: [],
      ignoredKeys: ['health'],
    });
  });

  it('falls back to the sender when a message has no chat_id', () => {
    expect(whapiMessageContactId({ id: 'a', from: '123' })).toBe('123');
    expect(whapiMessageContactId({ id: 'a' })).toBe('');
    expect(whapiStatusContactId({ id: 's' })).toBe('');
  });

  it.each([
    ['empty bytes', utf8(''), /empty/],
    ['invalid JSON', utf8('{"channel_id":'), /not valid JSON/],
    ['a JSON array', utf8('[{"channel_id":"CH"}]'), /not a Whapi webhook envelope/],
    ['no channel_id', bodyOf({ messages: [] }), /not a Whapi webhook envelope/],
    ['an empty channel_id', bodyOf({ channel_id: '', messages: [] }), /not a Whapi webhook envelope/],
    ['a numeric channel_id', bodyOf({ channel_id: 5, messages: [] }), /not a Whapi webhook envelope/],
    ['no event and no known array', bodyOf({ channel_id: 'CH', hello: [] }), /not a Whapi webhook envelope/],
    ['messages that are no array', bodyOf({ channel_id: 'CH', event: {}, messages: {} }), /messages is not an array/],
    ['a message that is no object', bodyOf({ channel_id: 'CH', messages: ['x'] }), /messages\[0\] is not an object/],
    ['a message without id', bodyOf({ channel_id: 'CH', messages: [{ type: 'text' }] }), /messages\[0\]\.id/],
    ['a status without status', bodyOf({ channel_id: 'CH', statuses: [{ id: 's' }] }), /statuses\[0\]\.status/],
  ])('rejects %s with a clear MalformedWebhookError', (_name, body, message) => {
    expectMalformed(() => parseWhapiWebhook(body), message);
  });
});

describe('parseWhapiWebhook never throws anything but MalformedWebhookError', () => {
  const parseOrMalformed = (body: Uint8Array): void => {
    try {
      parseWhapiWebhook(body);
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
    }
  };

  it('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => parseOrMalformed(bytes)));
  });

  it('on every truncation of every fixture', () => {
    for (const name of whapiWebhookFixtures()) {
      const bytes = fixtureBytes(name);
      for (let length = 0; length < bytes.length; length += 1) parseOrMalformed(bytes.subarray(0, length));
    }
  });

  it('on random JSON values and random values in envelope positions', () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const envelope = fc.record(
      {
        channel_id: fc.oneof(fc.constant('CH'), anyJson),
        event: anyJson,
        messages: fc.oneof(fc.array(fc.oneof(fc.record({ id: anyJson, from_me: anyJson, chat_id: anyJson }), anyJson)), anyJson),
        statuses: fc.oneof(fc.array(fc.oneof(fc.record({ id: anyJson, status: anyJson, timestamp: anyJson }), anyJson)), anyJson),
        chats: anyJson,
      },
      { requiredKeys: [] },
    );

    fc.assert(fc.property(fc.oneof(envelope, fc.jsonValue()), (body) => parseOrMalformed(bodyOf(body))), { numRuns: 500 });
  });
});
