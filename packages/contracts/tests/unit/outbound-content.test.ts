import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboundContentV1, checkOutboundContent, parseOutboundContent } from '../../src';

type Body = Record<string, unknown>;

/** The shared recorded Cloud API send bodies (../shared/fixtures beside the repository). */
const sendRequests = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures', 'meta-send-requests.json'), 'utf8'),
) as Record<string, Body>;

/** A Cloud API request body as a row's `message`: without messaging_product, to and recipient_type. */
const asRowMessage = ({ messaging_product: _product, to: _to, recipient_type: _recipientType, ...message }: Body): Body => message;

const messageFixtures = Object.entries(sendRequests).filter(([, body]) => body.type !== undefined);
const markAsReadFixtures = Object.entries(sendRequests).filter(([, body]) => body.status === 'read');

const reasonFor = (message: unknown): string => {
  const result = parseOutboundContent(JSON.stringify(message));
  if (result.ok) throw new Error(`expected ${JSON.stringify(message)} to be refused`);
  return result.reason;
};

describe('OutboundContentV1', () => {
  it('covers every outbound kind of the shared fixtures', () => {
    expect(new Set(messageFixtures.map(([, body]) => body.type))).toEqual(
      new Set(['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction']),
    );
  });

  it.each(messageFixtures)('accepts the Cloud API body %s as a row message, unchanged', (_name, body) => {
    // Prepare
    const message = asRowMessage(body);

    // Act
    const result = parseOutboundContent(JSON.stringify(message));

    // Assert
    expect(result).toEqual({ ok: true, content: message });
  });

  it.each(markAsReadFixtures)('refuses %s: marking as read is not a message', (_name, body) => {
    expect(reasonFor(asRowMessage(body))).toBe('a mark-as-read request is not a message');
  });

  it('keeps fields it does not know, at every level', () => {
    const message = {
      type: 'image',
      image: { id: '500', caption: 'c', future_flag: true },
      some_new_top_level_field: { a: 1 },
    };

    expect(checkOutboundContent(message)).toEqual({ ok: true, content: message });
  });

  it('accepts a gateway s3_key as the media source', () => {
    const result = checkOutboundContent({ type: 'document', document: { s3_key: 'outbound/acme/invoice.pdf', filename: 'invoice.pdf' } });

    expect(result.ok).toBe(true);
  });

  it.each([
    ['a number', 37.4, -122.1],
    ['a numeric string', '37.4', '-122.1'],
  ])('accepts coordinates given as %s', (_case, latitude, longitude) => {
    expect(checkOutboundContent({ type: 'location', location: { latitude, longitude } }).ok).toBe(true);
  });

  it('accepts a reaction with an empty emoji (it removes the reaction)', () => {
    expect(checkOutboundContent({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } }).ok).toBe(true);
  });

  it('accepts a text of exactly 4096 characters', () => {
    expect(checkOutboundContent({ type: 'text', text: { body: 'x'.repeat(4096) } }).ok).toBe(true);
  });

  it('is the schema the parser applies', () => {
    expect(OutboundContentV1.safeParse({ type: 'text', text: { body: '' } }).success).toBe(false);
  });
});

describe('parseOutboundContent refuses with a clear reason', () => {
  it.each([
    ['text that is not JSON', 'not json', 'message is not valid JSON'],
    ['a JSON array', '[]', 'message must be a JSON object'],
    ['a JSON string', '"hello"', 'message must be a JSON object'],
    ['null', 'null', 'message must be a JSON object'],
    ['an object without a type', '{}', 'message has no type'],
    ['a numeric type', '{"type":7}', 'type must be a string'],
  ])('%s', (_case, text, reason) => {
    expect(parseOutboundContent(text)).toEqual({ ok: false, reason });
  });

  it.each<[string, Body, string]>([
    ['an unknown type', { type: 'poll', poll: {} }, "unknown type 'poll' (expected one of text, image, audio, video, document, sticker, location, contacts, interactive, template, reaction)"],
    ['a type without its object', { type: 'image' }, "type 'image' needs an 'image' object"],
    ['a text type without its object', { type: 'text', image: { id: '1' } }, "type 'text' needs a 'text' object"],
    ['contacts without the array', { type: 'contacts' }, "type 'contacts' needs a 'contacts' array"],
    ['contacts given as an object', { type: 'contacts', contacts: { name: { formatted_name: 'x' } } }, 'contacts must be an array'],
    ['a text given as a string', { type: 'text', text: 'hi' }, 'text must be an object'],
    ['an empty text body', { type: 'text', text: { body: '' } }, 'text.body must not be empty'],
    ['a text body over 4096 characters', { type: 'text', text: { body: 'x'.repeat(4097) } }, 'text.body is longer than 4096 characters'],
    ['a text without body', { type: 'text', text: { preview_url: true } }, 'text.body is required'],
    ['preview_url that is not a boolean', { type: 'text', text: { body: 'x', preview_url: 'yes' } }, 'text.preview_url must be a boolean'],
    ['media without a source', { type: 'image', image: { caption: 'c' } }, 'image needs exactly one of link, id or s3_key'],
    ['media with two sources', { type: 'video', video: { id: '1', link: 'https://example.invalid/v.mp4' } }, 'video needs exactly one of link, id or s3_key'],
    ['media with all three sources', { type: 'document', document: { id: '1', link: 'https://example.invalid/d.pdf', s3_key: 'k' } }, 'document needs exactly one of link, id or s3_key'],
    ['a media link that is not http(s)', { type: 'image', image: { link: 'file:///etc/passwd' } }, 'image.link must be an http(s) URL'],
    ['an empty media id', { type: 'sticker', sticker: { id: '' } }, 'sticker.id must not be empty'],
    ['a caption on audio', { type: 'audio', audio: { id: '1', caption: 'c' } }, 'audio.caption is not allowed: only image, video and document take a caption'],
    ['a caption on a sticker', { type: 'sticker', sticker: { id: '1', caption: 'c' } }, 'sticker.caption is not allowed: only image, video and document take a caption'],
    ['a caption over 1024 characters', { type: 'image', image: { id: '1', caption: 'c'.repeat(1025) } }, 'image.caption is longer than 1024 characters'],
    ['a latitude that is not numeric', { type: 'location', location: { latitude: 'north', longitude: 1 } }, 'location.latitude must be a number or a numeric string between -90 and 90'],
    ['a longitude out of range', { type: 'location', location: { latitude: 1, longitude: 181 } }, 'location.longitude must be a number or a numeric string between -180 and 180'],
    ['a location without latitude', { type: 'location', location: { longitude: 1 } }, 'location.latitude must be a number or a numeric string between -90 and 90'],
    ['an empty contacts array', { type: 'contacts', contacts: [] }, 'contacts needs at least 1 entry'],
    ['a contact without formatted_name', { type: 'contacts', contacts: [{ name: { first_name: 'Jane' } }] }, 'contacts[0].name.formatted_name is required'],
    ['a contact without name', { type: 'contacts', contacts: [{ name: { formatted_name: 'A' } }, { phones: [] }] }, 'contacts[1].name is required'],
    ['an unknown interactive type', { type: 'interactive', interactive: { type: 'carousel', body: { text: 'x' }, action: {} } }, 'interactive.type must be one of button, list, cta_url'],
    ['an interactive without body', { type: 'interactive', interactive: { type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } }, 'interactive.body is required'],
    ['an interactive without action', { type: 'interactive', interactive: { type: 'list', body: { text: 'x' } } }, 'interactive.action is required'],
    ['more than three reply buttons', { type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } })) } } }, 'interactive.action.buttons has more than 3 entries'],
    ['a list without rows', { type: 'interactive', interactive: { type: 'list', body: { text: 'x' }, action: { button: 'Pick', sections: [{ title: 's', rows: [] }] } } }, 'interactive.action.sections[0].rows needs at least 1 entry'],
    ['a cta_url without url', { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url', parameters: { display_text: 'Go' } } } }, 'interactive.action.parameters.url is required'],
    ['a template without language code', { type: 'template', template: { name: 'hello', language: {} } }, 'template.language.code is required'],
    ['a template without name', { type: 'template', template: { language: { code: 'en_US' } } }, 'template.name is required'],
    ['a reaction without emoji', { type: 'reaction', reaction: { message_id: 'wamid.X' } }, 'reaction.emoji is required'],
    ['a reaction without message_id', { type: 'reaction', reaction: { emoji: '👍' } }, 'reaction.message_id is required'],
    ['a reaction that quotes a message', { type: 'reaction', reaction: { message_id: 'w', emoji: '👍' }, context: { message_id: 'w' } }, 'context is not allowed: a reaction cannot quote a message'],
    ['a reply context without message_id', { type: 'text', text: { body: 'x' }, context: {} }, 'context.message_id is required'],
    ['its own recipient', { type: 'text', to: '15550001111', text: { body: 'x' } }, "to is not allowed: the recipient is the row's to_id"],
    ['an unknown recipient_type', { type: 'text', recipient_type: 'broadcast', text: { body: 'x' } }, "recipient_type must be 'individual' or 'group'"],
  ])('%s', (_case, message, reason) => {
    expect(reasonFor(message)).toBe(reason);
  });

  it.each<[string, Body]>([
    ['a reply to a dot-segment id', { type: 'text', text: { body: 'x' }, context: { message_id: '..' } }],
    ['a reply to a single dot', { type: 'text', text: { body: 'x' }, context: { message_id: '.' } }],
    ['a reply to an id with a query', { type: 'text', text: { body: 'x' }, context: { message_id: 'wamid.X?admin=1' } }],
    ['a reply to an empty id', { type: 'text', text: { body: 'x' }, context: { message_id: '' } }],
    ['a reaction to a dot-segment id', { type: 'reaction', reaction: { message_id: '..', emoji: '👍' } }],
    ['a reaction to an id with a space', { type: 'reaction', reaction: { message_id: 'wamid X', emoji: '👍' } }],
    ['a reaction to an id with a percent escape', { type: 'reaction', reaction: { message_id: '%2e%2e', emoji: '👍' } }],
    ['a reaction to an id over 200 characters', { type: 'reaction', reaction: { message_id: 'w'.repeat(201), emoji: '👍' } }],
  ])('refuses %s', (_case, message) => {
    const field = message.type === 'reaction' ? 'reaction.message_id' : 'context.message_id';

    expect(reasonFor(message)).toBe(`${field} must be a message id: 1 to 200 letters, digits or . _ : @ = + / - (not '.' or '..')`);
  });

  it.each([
    ['a Meta wamid', 'wamid.HBgLMTU1NTAwMDExMTEVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA'],
    ['a base64 id with + / =', 'ABGGFlA5Fpa+/Vz9aW=='],
    ['a Whapi id', 'PsqXn5SAD5v7HRA-wpdQrg-gBs'],
    ['an id of exactly 200 characters', 'w'.repeat(200)],
  ])('accepts a reaction to %s', (_case, messageId) => {
    expect(checkOutboundContent({ type: 'reaction', reaction: { message_id: messageId, emoji: '👍' } }).ok).toBe(true);
  });

  it('refuses biz_opaque_callback_data over 512 characters and accepts 512', () => {
    expect(reasonFor({ type: 'text', text: { body: 'x' }, biz_opaque_callback_data: 'c'.repeat(513) })).toBe(
      'biz_opaque_callback_data is longer than 512 characters',
    );
    expect(checkOutboundContent({ type: 'text', text: { body: 'x' }, biz_opaque_callback_data: 'c'.repeat(512) }).ok).toBe(true);
  });

  it('refuses an s3_key longer than an S3 key can be', () => {
    expect(reasonFor({ type: 'image', image: { s3_key: `outbound/acme/${'k'.repeat(1024)}` } })).toBe('image.s3_key is longer than 1024 characters');
  });

  it('refuses a message naming more than 10 distinct s3_key media, counting template parameters and repeating keys once', () => {
    // Prepare
    const templateWith = (keys: string[]): Body => ({
      type: 'template',
      template: {
        name: 'gallery',
        language: { code: 'en_US' },
        components: [{ type: 'header', parameters: keys.map((key) => ({ type: 'image', image: { s3_key: key } })) }],
      },
    });
    const ten = Array.from({ length: 10 }, (_unused, index) => `outbound/acme/${index}.jpg`);

    // Act
    const tenDistinct = checkOutboundContent(templateWith([...ten, ten[0] ?? '']));
    const eleven = parseOutboundContent(JSON.stringify(templateWith([...ten, 'outbound/acme/10.jpg'])));

    // Assert
    expect(tenDistinct.ok).toBe(true);
    expect(eleven).toEqual({ ok: false, reason: 'message names 11 s3_key media; at most 10 per message' });
  });

  it('names up to three problems at once', () => {
    const reason = reasonFor({ type: 'interactive', interactive: { type: 'button' } });

    expect(reason).toBe('interactive.body is required; interactive.action is required');
  });
});
