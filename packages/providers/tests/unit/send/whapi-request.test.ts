import { checkOutboundContent } from '@wagw/contracts';
import type { OutboundContentV1 } from '@wagw/contracts';
import { toWhapiRequest, whapiRecipient } from '../../../src/send/whapi-request';
import type { WhapiTranslation } from '../../../src/send/whapi-request';
import { rowMessages, whapiSendRequests } from '../../support/send-fixtures';

type Body = Record<string, unknown>;

const content = (message: Body): OutboundContentV1 => {
  const checked = checkOutboundContent(message);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.content;
};

const translate = (toId: string, message: Body): WhapiTranslation => toWhapiRequest(toId, content(message));

const TO = '+15550001111';
const CHAT = '15550001111';

const janeVCard = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Jane Doe',
  'N:Doe;Jane;;;',
  'TEL;type=CELL;waid=15550002222:+15550002222',
  'EMAIL;type=WORK:jane.doe@example.invalid',
  'END:VCARD',
].join('\n');

const post = (path: string, body: Body): WhapiTranslation => ({ ok: true, request: { kind: 'message', method: 'POST', path, body } });

/** Every recorded Cloud API send body, as the Whapi call that sends the same message. */
const EXPECTED: Record<string, WhapiTranslation | { rejected: string }> = {
  text: post('/messages/text', { to: CHAT, body: 'Your order is ready: https://example.invalid/o/123', no_link_preview: false }),
  text_reply_context: post('/messages/text', { to: CHAT, body: 'Thanks, noted!', no_link_preview: true, quoted: 'wamid.TEST-IN-TEXT-0001' }),
  text_with_callback_data: post('/messages/text', { to: CHAT, body: 'Tracked message', no_link_preview: true }),
  image_by_id: post('/messages/image', { to: CHAT, media: '500000000000099', caption: 'Here is your receipt' }),
  image_by_link: post('/messages/image', { to: CHAT, media: 'https://example.invalid/img/receipt.jpg', caption: 'Here is your receipt' }),
  video_by_id: post('/messages/video', { to: CHAT, media: '500000000000098', caption: 'Demo' }),
  audio_basic: post('/messages/audio', { to: CHAT, media: '500000000000097' }),
  audio_voice_note: post('/messages/voice', { to: CHAT, media: '500000000000096' }),
  document_by_link: post('/messages/document', {
    to: CHAT,
    media: 'https://example.invalid/files/invoice.pdf',
    caption: 'Invoice',
    filename: 'invoice-0001.pdf',
  }),
  sticker_by_id: post('/messages/sticker', { to: CHAT, media: '500000000000095' }),
  location: post('/messages/location', {
    to: CHAT,
    latitude: 37.44216251868683,
    longitude: -122.16153582049394,
    name: 'Test Cafe',
    address: '1 Test Street, Testville',
  }),
  contacts: post('/messages/contact', { to: CHAT, name: 'Jane Doe', vcard: janeVCard }),
  interactive_buttons: post('/messages/interactive', {
    to: CHAT,
    type: 'button',
    header: { text: 'Appointment' },
    body: { text: 'Confirm your appointment for tomorrow 9am?' },
    footer: { text: 'Test Shop' },
    action: {
      buttons: [
        { type: 'quick_reply', title: 'Yes', id: 'confirm-yes' },
        { type: 'quick_reply', title: 'No', id: 'confirm-no' },
      ],
    },
  }),
  interactive_list: post('/messages/interactive', {
    to: CHAT,
    type: 'list',
    header: { text: 'Shipping' },
    body: { text: 'Pick a shipping option' },
    footer: { text: 'Test Shop' },
    action: {
      list: {
        label: 'Options',
        sections: [
          {
            title: 'Fast',
            rows: [
              { id: 'ship_express', title: 'Express', description: '1-2 days' },
              { id: 'ship_standard', title: 'Standard', description: '3-5 days' },
            ],
          },
        ],
      },
    },
  }),
  interactive_cta_url: post('/messages/interactive', {
    to: CHAT,
    type: 'button',
    header: { text: 'New dates' },
    body: { text: 'Tap below to see available dates.' },
    footer: { text: 'Dates may change.' },
    action: { buttons: [{ type: 'url', title: 'See dates', id: 'cta_url', url: 'https://example.invalid/dates' }] },
  }),
  template: { rejected: 'UNSUPPORTED_BY_PROVIDER' },
  template_named_params: { rejected: 'UNSUPPORTED_BY_PROVIDER' },
  reaction: {
    ok: true,
    request: { kind: 'reaction', method: 'PUT', path: '/messages/wamid.TEST-IN-TEXT-0001/reaction', body: { emoji: '👍' }, targetId: 'wamid.TEST-IN-TEXT-0001' },
  },
  reaction_remove: {
    ok: true,
    request: { kind: 'reaction', method: 'DELETE', path: '/messages/wamid.TEST-IN-TEXT-0001/reaction', targetId: 'wamid.TEST-IN-TEXT-0001' },
  },
};

describe('toWhapiRequest: every recorded Cloud API message', () => {
  const messages = rowMessages();

  it('has an expected Whapi call for every recorded Cloud API body', () => {
    expect(messages.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(messages)('translates %s', (name, message) => {
    // Prepare
    const expected = EXPECTED[name];

    // Act
    const translation = translate(TO, message);

    // Assert
    if (expected !== undefined && 'rejected' in expected) {
      expect(translation).toMatchObject({ ok: false, rejection: { outcome: 'rejected', code: expected.rejected, retry: 'permanent' } });
    } else {
      expect(translation).toStrictEqual(expected);
    }
  });

  it('says why a template cannot go through Whapi', () => {
    const [, template] = rowMessages().find(([name]) => name === 'template') ?? [];

    const translation = translate(TO, template ?? {});

    expect(translation).toMatchObject({
      ok: false,
      rejection: { message: expect.stringContaining("Whapi cannot send Cloud API templates (template 'order_update_test')") },
    });
  });
});

describe('toWhapiRequest: the recorded Whapi request bodies', () => {
  const recorded = whapiSendRequests();
  const chat = '15550001111@s.whatsapp.net';

  it.each<[string, Body]>([
    ['POST /messages/text', { type: 'text', text: { body: 'Hello from the gateway' }, context: { message_id: 'TestWhapiMsgId0001-abc' } }],
    ['POST /messages/image (url)', { type: 'image', image: { link: 'https://example.invalid/img/receipt.jpg', caption: 'Receipt' } }],
    [
      'POST /messages/document',
      {
        type: 'document',
        document: { link: 'https://example.invalid/files/invoice.pdf', mime_type: 'application/pdf', filename: 'invoice-0001.pdf', caption: 'Invoice' },
      },
    ],
    [
      'POST /messages/voice',
      { type: 'audio', audio: { link: 'https://example.invalid/audio/note.ogg', voice: true, mime_type: 'audio/ogg; codecs=opus', seconds: 7 } },
    ],
    ['POST /messages/location', { type: 'location', location: { latitude: '37.4421', longitude: '-122.1615', name: 'Test Cafe', address: '1 Test Street' } }],
  ])('builds the body of %s', (key, message) => {
    // Prepare
    const [method, path] = key.split(' ');

    // Act
    const translation = translate(chat, message);

    // Assert
    expect(translation).toStrictEqual({ ok: true, request: { kind: 'message', method, path, body: recorded[key] } });
  });

  it('builds the body of PUT /messages/{MessageID}/reaction', () => {
    const translation = translate(chat, { type: 'reaction', reaction: { message_id: 'TestWhapiMsgId0001-abc', emoji: '👍' } });

    expect(translation).toMatchObject({ ok: true, request: { method: 'PUT', body: recorded['PUT /messages/{MessageID}/reaction'] } });
  });
});

describe('toWhapiRequest: details', () => {
  it('sends several contacts as one contact_list', () => {
    const translation = translate(TO, {
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Ann' }, phones: [{ phone: '+1 555 0100' }] }, { name: { formatted_name: 'Bob' } }],
    });

    expect(translation).toStrictEqual(
      post('/messages/contact_list', {
        to: CHAT,
        list: [
          { name: 'Ann', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nTEL:+1 555 0100\nEND:VCARD' },
          { name: 'Bob', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nEND:VCARD' },
        ],
      }),
    );
  });

  it('quotes the replied-to message on any message type', () => {
    const translation = translate(TO, { type: 'image', image: { id: 'm1' }, context: { message_id: 'TestWhapiMsgId0001-abc' } });

    expect(translation).toMatchObject({ ok: true, request: { body: { quoted: 'TestWhapiMsgId0001-abc' } } });
  });

  it('sends a location given as numbers unchanged', () => {
    const translation = translate(TO, { type: 'location', location: { latitude: 1.5, longitude: -2 } });

    expect(translation).toStrictEqual(post('/messages/location', { to: CHAT, latitude: 1.5, longitude: -2 }));
  });

  it('leaves out list rows fields the message does not have', () => {
    const translation = translate(TO, {
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Open', sections: [{ rows: [{ id: 'r1', title: 'One' }] }] } },
    });

    expect(translation).toStrictEqual(
      post('/messages/interactive', { to: CHAT, type: 'list', body: { text: 'Pick' }, action: { list: { label: 'Open', sections: [{ rows: [{ id: 'r1', title: 'One' }] }] } } }),
    );
  });

  it('escapes the reacted-to message id in the path', () => {
    const translation = translate(TO, { type: 'reaction', reaction: { message_id: 'a/b+c=@d', emoji: '❤️' } });

    expect(translation).toMatchObject({ ok: true, request: { path: '/messages/a%2Fb%2Bc%3D%40d/reaction' } });
  });

  it.each(['..', '.'])('refuses for good to put the dot segment %s in the path, even past the contract', (targetId) => {
    // Prepare: built directly, as a caller that skipped the contract check would
    const reaction = { type: 'reaction', reaction: { message_id: targetId, emoji: '👍' } } as OutboundContentV1;

    // Act
    const translation = toWhapiRequest(TO, reaction);

    // Assert
    expect(translation).toEqual({
      ok: false,
      rejection: { outcome: 'rejected', code: 'INVALID_MESSAGE', message: expect.stringContaining('reaction.message_id'), retry: 'permanent' },
    });
  });
});

describe('whapiRecipient', () => {
  it.each([
    ['+15550001111', '15550001111'],
    ['15550001111', '15550001111'],
    ['15550001111@s.whatsapp.net', '15550001111@s.whatsapp.net'],
    ['120363000000000000@g.us', '120363000000000000@g.us'],
    ['120363000000000001@newsletter', '120363000000000001@newsletter'],
  ])('sends to %s as %s', (toId, expected) => {
    expect(whapiRecipient(toId)).toBe(expected);
  });
});
