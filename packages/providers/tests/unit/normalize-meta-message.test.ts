import { normalizeMetaMessage } from '../../src/meta/normalize-message';
import { fixtureNames, metaMessageFixture, metaMessages, readFixture } from './normalize-fixtures';

const SENT_AT = new Date('2025-10-09T08:53:20.000Z');
const USER = '15550001111';

const normalizeFixture = (name: string) => {
  const { item, contact } = metaMessageFixture(name);
  return { item, contact, normalized: normalizeMetaMessage(item, contact) };
};

/** A message item as Meta sends it, with the type-specific parts given by the test. */
const metaItem = (fields: Record<string, unknown>): Record<string, unknown> => ({
  from: USER,
  id: 'wamid.TEST-CONSTRUCTED-0001',
  timestamp: '1760000000',
  ...fields,
});

describe('normalizeMetaMessage on the recorded webhooks', () => {
  it('normalizes a text message: body, sender, name, time, original item kept as raw', () => {
    const { item, contact, normalized } = normalizeFixture('meta-webhook-text.json');

    expect(normalized).toEqual({
      providerMessageId: 'wamid.TEST-IN-TEXT-0001',
      fromId: USER,
      fromName: 'Test User',
      type: 'text',
      body: 'Hello, is the shop open today?',
      replyToId: null,
      payload: { body: 'Hello, is the shop open today?', contact },
      raw: item,
      sentAt: SENT_AT,
    });
    expect(normalized.raw).toBe(item);
  });

  it('takes the quoted business message as replyToId and keeps the context', () => {
    const { normalized } = normalizeFixture('meta-webhook-text-reply.json');

    expect(normalized.replyToId).toBe('wamid.TEST-OUT-TEXT-0001');
    expect(normalized.body).toBe('Yes, that works for me');
    expect(normalized.payload.context).toEqual({ from: '15550000001', id: 'wamid.TEST-OUT-TEXT-0001' });
  });

  it('marks a forwarded message in payload.context and has no reply target', () => {
    const { normalized } = normalizeFixture('meta-webhook-text-forwarded.json');

    expect(normalized.payload.context).toEqual({ forwarded: true });
    expect(normalized.replyToId).toBeNull();
    expect(normalized.body).toBe('Forwarded: see you at 5');
  });

  it('keeps the referred product of a product inquiry', () => {
    const { normalized } = normalizeFixture('meta-webhook-text-product-inquiry.json');

    expect(normalized.replyToId).toBe('wamid.TEST-OUT-PRODUCT-0001');
    expect(normalized.payload.context).toMatchObject({
      referred_product: { catalog_id: '300000000000001', product_retailer_id: 'sku-test-001' },
    });
  });

  it('turns an image into a caption body and a pending media file', () => {
    const { normalized } = normalizeFixture('meta-webhook-image.json');

    expect(normalized.type).toBe('image');
    expect(normalized.body).toBe('Photo of the receipt');
    expect(normalized.media).toEqual({
      kind: 'image',
      mediaId: '500000000000001',
      link: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=500000000000001&ext=TEST',
      mimeType: 'image/jpeg',
      sha256: 'TESTsha256base64AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(normalized.payload).toMatchObject({ id: '500000000000001', mime_type: 'image/jpeg', caption: 'Photo of the receipt' });
  });

  it('turns a video into a caption body and a media file', () => {
    const { normalized } = normalizeFixture('meta-webhook-video.json');

    expect(normalized.body).toBe('Short clip');
    expect(normalized.media).toMatchObject({ kind: 'video', mediaId: '500000000000003', mimeType: 'video/mp4' });
  });

  it('keeps a document filename on the media and in the payload', () => {
    const { normalized } = normalizeFixture('meta-webhook-document.json');

    expect(normalized.body).toBe('My invoice');
    expect(normalized.media).toMatchObject({
      kind: 'document',
      mediaId: '500000000000004',
      mimeType: 'application/pdf',
      filename: 'invoice-test-0001.pdf',
    });
    expect(normalized.payload.filename).toBe('invoice-test-0001.pdf');
  });

  it('keeps whether a sticker is animated and has no body', () => {
    const { normalized } = normalizeFixture('meta-webhook-sticker.json');

    expect(normalized.body).toBeNull();
    expect(normalized.payload.animated).toBe(false);
    expect(normalized.media).toMatchObject({ kind: 'sticker', mediaId: '500000000000005', mimeType: 'image/webp' });
  });

  it('marks a voice note as voice in an audio message', () => {
    const { normalized } = normalizeFixture('meta-webhook-audio-voice.json');

    expect(normalized.type).toBe('audio');
    expect(normalized.payload.voice).toBe(true);
    expect(normalized.media).toMatchObject({ kind: 'audio', mediaId: '500000000000002', mimeType: 'audio/ogg; codecs=opus' });
  });

  it('gives a location its name and address as body and numeric coordinates', () => {
    const { normalized } = normalizeFixture('meta-webhook-location.json');

    expect(normalized.body).toBe('Test Cafe, 1 Test Street, Testville');
    expect(normalized.payload).toMatchObject({
      latitude: 37.4422149658,
      longitude: -122.1616592407,
      url: 'https://example.invalid/test-cafe',
    });
    expect(normalized.media).toBeUndefined();
  });

  it('lists shared contact cards by formatted name', () => {
    const { normalized } = normalizeFixture('meta-webhook-contacts.json');

    expect(normalized.type).toBe('contacts');
    expect(normalized.body).toBe('Jane Doe');
    expect(normalized.payload.contacts).toEqual([expect.objectContaining({ birthday: '1990-01-01' })]);
  });

  it('takes the title of an interactive button reply as body and its id into the payload', () => {
    const { normalized } = normalizeFixture('meta-webhook-interactive-button-reply.json');

    expect(normalized.body).toBe('Yes');
    expect(normalized.replyToId).toBe('wamid.TEST-OUT-INTERACTIVE-0001');
    expect(normalized.payload).toMatchObject({ type: 'button_reply', id: 'confirm-yes', title: 'Yes' });
  });

  it('takes the title of a list reply as body, its id and description into the payload', () => {
    const { normalized } = normalizeFixture('meta-webhook-interactive-list-reply.json');

    expect(normalized.body).toBe('Express');
    expect(normalized.payload).toMatchObject({ type: 'list_reply', id: 'ship_express', description: '1-2 days' });
  });

  it('takes a template quick-reply text as body and keeps its payload', () => {
    const { normalized } = normalizeFixture('meta-webhook-button.json');

    expect(normalized.type).toBe('button');
    expect(normalized.body).toBe('Stop promotions');
    expect(normalized.replyToId).toBe('wamid.TEST-OUT-TEMPLATE-0001');
    expect(normalized.payload).toMatchObject({ payload: 'STOP_PROMOS', text: 'Stop promotions' });
  });

  it('takes a reaction emoji as body and the reacted message as reply target', () => {
    const { normalized } = normalizeFixture('meta-webhook-reaction.json');

    expect(normalized.body).toBe('👍');
    expect(normalized.replyToId).toBe('wamid.TEST-OUT-TEXT-0001');
    expect(normalized.payload).toMatchObject({ message_id: 'wamid.TEST-OUT-TEXT-0001', emoji: '👍', removed: false });
  });

  it('keeps the unsupported inner type and the errors of an unsupported message', () => {
    const { normalized } = normalizeFixture('meta-webhook-unsupported.json');

    expect(normalized.type).toBe('unsupported');
    expect(normalized.body).toBeNull();
    expect(normalized.payload).toMatchObject({
      type: 'poll',
      errors: [expect.objectContaining({ code: 131051, title: 'Message type unknown' })],
    });
  });

  it.each(fixtureNames('meta-webhook-').filter((name) => metaMessages(readFixture(name)).length > 0))(
    'normalizes every message of %s with its id, type, sender and time',
    (name) => {
      for (const { item, contact } of metaMessages(readFixture(name))) {
        const normalized = normalizeMetaMessage(item, contact);

        expect(normalized.providerMessageId).toBe(item.id);
        expect(normalized.type).toBe(item.type);
        expect(normalized.fromId).toBe(item.from);
        expect(normalized.sentAt).toEqual(new Date(Number(item.timestamp) * 1000));
        expect(normalized.raw).toBe(item);
      }
    },
  );
});

describe('normalizeMetaMessage on constructed items', () => {
  it('takes an order text as body and adds its line items and totals per currency', () => {
    const item = metaItem({
      type: 'order',
      order: {
        catalog_id: '300000000000001',
        text: 'Please deliver tomorrow',
        product_items: [
          { product_retailer_id: 'sku-1', quantity: 3, item_price: 7.99, currency: 'USD' },
          { product_retailer_id: 'sku-2', quantity: '1', item_price: '0.1', currency: 'USD' },
          { product_retailer_id: 'sku-3', quantity: 2, item_price: 5, currency: 'EUR' },
        ],
      },
    });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.body).toBe('Please deliver tomorrow');
    expect(normalized.payload).toMatchObject({
      catalog_id: '300000000000001',
      item_count: 3,
      totals: [
        { currency: 'USD', amount: 24.07 },
        { currency: 'EUR', amount: 10 },
      ],
    });
    expect(normalized.payload.product_items).toHaveLength(3);
  });

  it('takes a system notice as body (user changed number, no contacts entry)', () => {
    const item = metaItem({
      type: 'system',
      system: { body: 'User A changed from 15550001111 to 15550003333', wa_id: '15550003333', type: 'user_changed_number' },
    });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.body).toBe('User A changed from 15550001111 to 15550003333');
    expect(normalized.fromName).toBeNull();
    expect(normalized.payload).toMatchObject({ wa_id: '15550003333', type: 'user_changed_number' });
  });

  it('parses a flow reply response_json into the payload and keeps the string', () => {
    const responseJson = '{"flow_token":"TEST-FLOW-TOKEN","date":"2025-10-10","guests":2}';
    const item = metaItem({
      type: 'interactive',
      context: { from: '15550000001', id: 'wamid.TEST-OUT-FLOW-0001' },
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } },
    });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.body).toBe('Sent');
    expect(normalized.replyToId).toBe('wamid.TEST-OUT-FLOW-0001');
    expect(normalized.payload).toMatchObject({
      type: 'nfm_reply',
      name: 'flow',
      response_json: responseJson,
      response: { flow_token: 'TEST-FLOW-TOKEN', date: '2025-10-10', guests: 2 },
    });
  });

  it('keeps a flow reply whose response_json does not parse, with a null response', () => {
    const item = metaItem({
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":' } },
    });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.payload).toMatchObject({ response_json: '{"flow_token":', response: null });
  });

  it('takes a call permission answer as body', () => {
    const item = metaItem({
      type: 'interactive',
      interactive: {
        type: 'call_permission_reply',
        call_permission_reply: { response: 'accept', is_permanent: false, expiration_timestamp: 1760600000, response_source: 'user_action' },
      },
    });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.body).toBe('accept');
    expect(normalized.payload).toMatchObject({ type: 'call_permission_reply', is_permanent: false });
  });

  it('records a reaction removal (no emoji) as removed, with the target as reply', () => {
    const item = metaItem({ type: 'reaction', reaction: { message_id: 'wamid.TEST-OUT-TEXT-0001' } });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.body).toBeNull();
    expect(normalized.replyToId).toBe('wamid.TEST-OUT-TEXT-0001');
    expect(normalized.payload).toEqual({ message_id: 'wamid.TEST-OUT-TEXT-0001', removed: true });
  });

  it('keeps a click-to-WhatsApp ad referral in the payload', () => {
    const referral = {
      source_url: 'https://fb.me/test-ad',
      source_id: '400000000000001',
      source_type: 'ad',
      headline: 'Test headline',
      body: 'Test ad body',
      media_type: 'image',
      image_url: 'https://example.invalid/ad.jpg',
      ctwa_clid: 'TEST-CLID',
      welcome_message: { text: 'Hi! How can we help?' },
    };
    const item = metaItem({ type: 'text', text: { body: 'I saw your ad' }, referral });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.body).toBe('I saw your ad');
    expect(normalized.payload.referral).toEqual(referral);
  });

  it('takes a BSUID sender from the contact when the item has no `from`', () => {
    const item = { id: 'wamid.TEST-BSUID-0001', timestamp: '1760000000', type: 'text', text: { body: 'hi' } };
    const contact = { profile: { name: 'Username User', username: 'user.name' }, user_id: 'US.TESTBSUID0000000001' };

    const normalized = normalizeMetaMessage(item, contact);

    expect(normalized.fromId).toBe('US.TESTBSUID0000000001');
    expect(normalized.fromName).toBe('Username User');
    expect(normalized.payload.contact).toEqual(contact);
  });

  it('prefers the contact wa_id, then the item from_user_id, when `from` is empty', () => {
    const withWaId = normalizeMetaMessage(metaItem({ from: '', type: 'text', text: { body: 'a' } }), { wa_id: '15550004444' });
    const withUserIdOnly = normalizeMetaMessage(metaItem({ from: '', from_user_id: 'US.TESTBSUID2', type: 'text' }));

    expect(withWaId.fromId).toBe('15550004444');
    expect(withUserIdOnly.fromId).toBe('US.TESTBSUID2');
  });

  it('keeps a frequently forwarded flag in payload.context', () => {
    const normalized = normalizeMetaMessage(metaItem({ type: 'text', text: { body: 'x' }, context: { frequently_forwarded: true } }));

    expect(normalized.payload.context).toEqual({ frequently_forwarded: true });
  });

  it('writes a request_welcome with an empty payload', () => {
    const normalized = normalizeMetaMessage(metaItem({ type: 'request_welcome' }));

    expect(normalized).toMatchObject({ type: 'request_welcome', body: null, payload: {} });
  });

  it('keeps an unfamiliar type with its object as payload and errors', () => {
    const item = metaItem({
      type: 'hologram',
      hologram: { text: 'from the future', depth: 3 },
      errors: [{ code: 131051, title: 'Message type unknown' }],
    });

    const normalized = normalizeMetaMessage(item);

    expect(normalized.type).toBe('hologram');
    expect(normalized.body).toBe('from the future');
    expect(normalized.payload).toEqual({ text: 'from the future', depth: 3, errors: [{ code: 131051, title: 'Message type unknown' }] });
  });

  it('accepts coordinates sent as strings', () => {
    const normalized = normalizeMetaMessage(metaItem({ type: 'location', location: { latitude: '1.5', longitude: '-2.25' } }));

    expect(normalized.payload).toEqual({ latitude: 1.5, longitude: -2.25 });
    expect(normalized.body).toBeNull();
  });

  it('has no media to fetch for an image that names neither id nor url', () => {
    const normalized = normalizeMetaMessage(metaItem({ type: 'image', image: { caption: 'lost' } }));

    expect(normalized.media).toBeUndefined();
    expect(normalized.body).toBe('lost');
  });

  it('leaves sentAt null when the timestamp is missing or not a number', () => {
    expect(normalizeMetaMessage(metaItem({ timestamp: undefined, type: 'text' })).sentAt).toBeNull();
    expect(normalizeMetaMessage(metaItem({ timestamp: 'yesterday', type: 'text' })).sentAt).toBeNull();
  });

  it('does not read inherited properties for a type named like an Object.prototype member', () => {
    const normalized = normalizeMetaMessage(metaItem({ type: 'constructor' }));

    expect(normalized.payload).toEqual({});
    expect(normalized.body).toBeNull();
  });
});
