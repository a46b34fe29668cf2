import { normalizeWhapiMessage } from '../../src/whapi/normalize-message';
import { fixtureNames, readFixture, whapiMessageFixture } from './normalize-fixtures';

const USER = '15550001111';
const CHAT = `${USER}@s.whatsapp.net`;

/** A message item as Whapi sends it, with the type-specific parts given by the test. */
const whapiItem = (fields: Record<string, unknown>): Record<string, unknown> => ({
  id: 'TestWhapiConstructed0001',
  from_me: false,
  chat_id: CHAT,
  timestamp: 1760000000,
  source: 'mobile',
  from: USER,
  from_name: 'Test User',
  ...fields,
});

describe('normalizeWhapiMessage on the recorded webhooks', () => {
  it('normalizes a text message and keeps the chat id in the payload', () => {
    const item = whapiMessageFixture('whapi-webhook-message.json');

    const normalized = normalizeWhapiMessage(item);

    expect(normalized).toEqual({
      providerMessageId: 'TestWhapiMsgId0001-abc',
      fromId: USER,
      fromName: 'Test User',
      type: 'text',
      body: 'Hello from Whapi',
      replyToId: null,
      payload: { body: 'Hello from Whapi', chat_id: CHAT, source: 'mobile' },
      raw: item,
      sentAt: new Date('2025-10-09T08:53:20.000Z'),
    });
  });

  it('turns an image into a caption body and a media file with link, size and hash', () => {
    const normalized = normalizeWhapiMessage(whapiMessageFixture('whapi-webhook-message-image.json'));

    expect(normalized.body).toBe('Receipt photo');
    expect(normalized.sentAt).toEqual(new Date(1760000020 * 1000));
    expect(normalized.media).toEqual({
      kind: 'image',
      mediaId: 'jpeg-TESTMEDIAID0001',
      link: 'https://example.invalid/whapi-media/jpeg-TESTMEDIAID0001.jpeg',
      mimeType: 'image/jpeg',
      size: 48213,
      sha256: 'TESTsha256hex0000000000000000000000000000000000000000000000000000',
    });
    expect(normalized.payload).toMatchObject({ width: 1280, height: 960, file_size: 48213 });
  });

  it('takes a reaction emoji as body and the target message as reply', () => {
    const normalized = normalizeWhapiMessage(whapiMessageFixture('whapi-webhook-message-reaction.json'));

    expect(normalized.type).toBe('action');
    expect(normalized.body).toBe('👍');
    expect(normalized.replyToId).toBe('TestWhapiOutId0001-xyz');
    expect(normalized.payload).toMatchObject({ type: 'reaction', target: 'TestWhapiOutId0001-xyz', emoji: '👍', removed: false });
  });

  it('takes the title of a buttons reply as body and the quoted message as reply', () => {
    const normalized = normalizeWhapiMessage(whapiMessageFixture('whapi-webhook-message-reply-buttons.json'));

    expect(normalized.type).toBe('reply');
    expect(normalized.body).toBe('Yes');
    expect(normalized.replyToId).toBe('TestWhapiOutId0002-xyz');
    expect(normalized.payload).toMatchObject({
      type: 'buttons_reply',
      id: 'ButtonsV3:confirm-yes',
      title: 'Yes',
      context: { quoted_id: 'TestWhapiOutId0002-xyz', quoted_type: 'interactive' },
    });
  });

  it.each(fixtureNames('whapi-webhook-message'))('normalizes %s with its id, type, sender and time', (name) => {
    const item = whapiMessageFixture(name);

    const normalized = normalizeWhapiMessage(item);

    expect(normalized.providerMessageId).toBe(item.id);
    expect(normalized.type).toBe(item.type);
    expect(normalized.fromId).toBe(item.from);
    expect(normalized.fromName).toBe(item.from_name);
    expect(normalized.sentAt).toEqual(new Date(Number(item.timestamp) * 1000));
    expect(normalized.raw).toBe(item);
    expect(readFixture(name).channel_id).toBe('TESTCH-ABCDE');
  });
});

describe('normalizeWhapiMessage on constructed items', () => {
  it.each(['video', 'gif', 'audio', 'voice', 'document', 'sticker'])('makes a %s a media file of that kind', (type) => {
    const item = whapiItem({
      type,
      [type]: { id: `${type}-TESTID`, mime_type: 'application/octet-stream', file_size: 10, filename: 'f.bin', preview: 'AAAA' },
    });

    const normalized = normalizeWhapiMessage(item);

    expect(normalized.media).toEqual({
      kind: type,
      mediaId: `${type}-TESTID`,
      mimeType: 'application/octet-stream',
      size: 10,
      filename: 'f.bin',
    });
    expect(normalized.payload).not.toHaveProperty('preview');
  });

  it('gives a location and a live location their coordinates and name', () => {
    const pin = normalizeWhapiMessage(
      whapiItem({ type: 'location', location: { latitude: 1.25, longitude: 2.5, name: 'Depot', address: 'Dock 4' } }),
    );
    const live = normalizeWhapiMessage(
      whapiItem({ type: 'live_location', live_location: { latitude: '3', longitude: '4', caption: 'On my way' } }),
    );

    expect(pin).toMatchObject({ body: 'Depot, Dock 4', payload: { latitude: 1.25, longitude: 2.5 } });
    expect(live).toMatchObject({ body: 'On my way', payload: { latitude: 3, longitude: 4 } });
  });

  it('takes contact names as body for a contact and a contact list', () => {
    const one = normalizeWhapiMessage(whapiItem({ type: 'contact', contact: { name: 'Jane Doe', vcard: 'BEGIN:VCARD…' } }));
    const many = normalizeWhapiMessage(
      whapiItem({ type: 'contact_list', contact_list: { list: [{ name: 'Jane Doe' }, { name: 'John Roe' }, { vcard: 'x' }] } }),
    );

    expect(one.body).toBe('Jane Doe');
    expect(many.body).toBe('Jane Doe, John Roe');
  });

  it('records a reaction removal (empty emoji) as removed', () => {
    const normalized = normalizeWhapiMessage(
      whapiItem({ type: 'action', action: { target: 'TestWhapiOutId0001-xyz', type: 'reaction', emoji: '' } }),
    );

    expect(normalized.body).toBeNull();
    expect(normalized.replyToId).toBe('TestWhapiOutId0001-xyz');
    expect(normalized.payload).toMatchObject({ type: 'reaction', removed: true });
  });

  it('keeps an edit in the payload with the new text as body, and a delete with its target', () => {
    const edit = normalizeWhapiMessage(
      whapiItem({ type: 'action', action: { target: 'TestWhapiMsgId0001-abc', type: 'edit', edited_content: { body: 'Corrected' } } }),
    );
    const removal = normalizeWhapiMessage(whapiItem({ type: 'action', action: { target: 'TestWhapiMsgId0001-abc', type: 'delete' } }));

    expect(edit).toMatchObject({ body: 'Corrected', replyToId: 'TestWhapiMsgId0001-abc', payload: { type: 'edit' } });
    expect(removal).toMatchObject({ body: null, replyToId: 'TestWhapiMsgId0001-abc', payload: { type: 'delete' } });
  });

  it('takes the title of a list reply as body and its description into the payload', () => {
    const normalized = normalizeWhapiMessage(
      whapiItem({ type: 'reply', reply: { type: 'list_reply', list_reply: { id: 'ListV3:ship', title: 'Express', description: '1-2 days' } } }),
    );

    expect(normalized).toMatchObject({ body: 'Express', payload: { type: 'list_reply', id: 'ListV3:ship', description: '1-2 days' } });
  });

  it('reads the body of interactive, poll, system and link preview messages', () => {
    const bodies = [
      whapiItem({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick one' } } }),
      whapiItem({ type: 'poll', poll: { title: 'Lunch?', options: ['yes', 'no'] } }),
      whapiItem({ type: 'system', system: { body: 'Messages are end-to-end encrypted' } }),
      whapiItem({ type: 'link_preview', link_preview: { body: 'see https://example.invalid', url: 'https://example.invalid' } }),
    ].map((item) => normalizeWhapiMessage(item).body);

    expect(bodies).toEqual(['Pick one', 'Lunch?', 'Messages are end-to-end encrypted', 'see https://example.invalid']);
  });

  it('keeps forwarded flags in payload.context', () => {
    const normalized = normalizeWhapiMessage(
      whapiItem({ type: 'text', text: { body: 'fwd' }, context: { forwarded: true, forwarding_score: 7 } }),
    );

    expect(normalized.payload.context).toEqual({ forwarded: true, forwarding_score: 7 });
    expect(normalized.replyToId).toBeNull();
  });

  it('keeps an unfamiliar type with its object as payload', () => {
    const normalized = normalizeWhapiMessage(whapiItem({ type: 'carousel', carousel: { cards: [1, 2] } }));

    expect(normalized).toMatchObject({ type: 'carousel', body: null, payload: { cards: [1, 2], chat_id: CHAT } });
  });

  it('takes the sender from a one-to-one chat id when `from` is missing', () => {
    const normalized = normalizeWhapiMessage(whapiItem({ from: undefined, type: 'text', text: { body: 'x' } }));

    expect(normalized.fromId).toBe(USER);
  });

  it('keeps the group chat id while the sender is the participant', () => {
    const normalized = normalizeWhapiMessage(
      whapiItem({ chat_id: '120363000000000001@g.us', from: '15550002222', type: 'text', text: { body: 'hi all' } }),
    );

    expect(normalized.fromId).toBe('15550002222');
    expect(normalized.payload.chat_id).toBe('120363000000000001@g.us');
  });
});
