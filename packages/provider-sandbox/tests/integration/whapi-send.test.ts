import { startProviderSandbox } from '../../src/provider-sandbox';
import type { ProviderSandbox } from '../../src/provider-sandbox';
import { fixtureJson } from '../support/fixtures';
import type { JsonObject } from '../support/fixtures';
import { bearer, sendJson, uploadForm } from '../support/http';

const WHAPI_TOKEN = 'whapi-sandbox-token';
const CHANNEL_ID = 'TESTCH-ABCDE';
const TO = '15550001111@s.whatsapp.net';
const PDF = new TextEncoder().encode('%PDF-1.4 sandbox');

const fixtures = fixtureJson<Record<string, JsonObject>>('whapi-send-requests.json');
const VCARD = 'BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nTEL;type=CELL;waid=15550002222:+15550002222\nEND:VCARD';

/** One valid body per `/messages/{type}` endpoint (the fixtures where they have one). */
const validBodies: [string, JsonObject][] = [
  ['text', fixtures['POST /messages/text']!],
  ['image', fixtures['POST /messages/image (url)']!],
  ['video', { to: TO, media: 'https://example.invalid/v.mp4', caption: 'Demo' }],
  ['gif', { to: TO, media: 'https://example.invalid/g.mp4' }],
  ['audio', { to: TO, media: 'https://example.invalid/a.mp3', mime_type: 'audio/mpeg' }],
  ['voice', fixtures['POST /messages/voice']!],
  ['document', fixtures['POST /messages/document']!],
  ['sticker', { to: TO, media: 'https://example.invalid/s.webp' }],
  ['location', fixtures['POST /messages/location']!],
  ['contact', { to: TO, name: 'Jane Doe', vcard: VCARD }],
  ['contact_list', { to: TO, list: [{ name: 'Jane Doe', vcard: VCARD }] }],
  [
    'interactive',
    {
      to: TO,
      type: 'button',
      body: { text: 'Confirm?' },
      action: { buttons: [{ type: 'quick_reply', title: 'Yes', id: 'yes' }] },
    },
  ],
  ['link_preview', { to: TO, body: 'Read https://example.invalid/post', title: 'Post' }],
];

interface WhapiError {
  error: { code: number; message: string; details?: string };
}

describe('Whapi sandbox: POST /messages/{type}', () => {
  let sandbox: ProviderSandbox;

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ tokens: { meta: [], whapi: [WHAPI_TOKEN] }, whapiChannels: () => ({ [WHAPI_TOKEN]: CHANNEL_ID }) });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it.each(validBodies)('accepts a /messages/%s send and records it under the token’s channel', async (type, body) => {
    // Act
    const reply = await sendJson<{ sent: boolean; message: JsonObject }>(`${sandbox.url}/messages/${type}`, WHAPI_TOKEN, body);

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      sent: true,
      message: expect.objectContaining({
        id: expect.stringMatching(/^SANDBOX-\d+-\S+$/),
        from_me: true,
        type,
        chat_id: TO,
        timestamp: expect.any(Number),
        status: 'pending',
      }),
    });
    expect(sandbox.sent).toEqual([
      { provider: 'whapi', channelId: CHANNEL_ID, to: body.to, type, body, providerMessageId: reply.body.message.id, acceptedAt: expect.any(Number) },
    ]);
  });

  it('turns a bare phone number into a chat id', async () => {
    const reply = await sendJson<{ message: { chat_id: string } }>(`${sandbox.url}/messages/text`, WHAPI_TOKEN, { to: '15550001111', body: 'hi' });

    expect(reply.body.message.chat_id).toBe(TO);
  });

  it('accepts a token it only knows from the channel mapping', async () => {
    await sandbox.close();
    sandbox = await startProviderSandbox({ tokens: { meta: [], whapi: [] }, whapiChannels: () => ({ 'mapped-token': 'CH-2' }) });

    const reply = await sendJson(`${sandbox.url}/messages/text`, 'mapped-token', { to: TO, body: 'hi' });

    expect(reply.status).toBe(200);
    expect(sandbox.sent[0]?.channelId).toBe('CH-2');
  });

  it('answers an unknown token with 401 and sends nothing', async () => {
    const reply = await sendJson<WhapiError>(`${sandbox.url}/messages/text`, 'wrong', { to: TO, body: 'hi' });

    expect(reply).toEqual({ status: 401, body: { error: { code: 401, message: 'Unauthorized' } } });
    expect(sandbox.sent).toEqual([]);
  });

  const invalidBodies: [string, string, JsonObject, RegExp][] = [
    ['text without a recipient', 'text', { body: 'hi' }, /Invalid 'to'/],
    ['text to something that is no chat id', 'text', { to: 'jane', body: 'hi' }, /Invalid 'to'/],
    ['text without a body', 'text', { to: TO }, /'body' is required/],
    ['an image without media', 'image', { to: TO, caption: 'x' }, /'media' is required/],
    ['an image naming media nobody uploaded', 'image', { to: TO, media: 'jpeg-UNKNOWN' }, /not found/],
    ['a location with string coordinates', 'location', { to: TO, latitude: '1', longitude: '2' }, /must be numbers/],
    ['a contact without a vcard', 'contact', { to: TO, name: 'Jane' }, /'vcard' are required/],
    ['an empty contact list', 'contact_list', { to: TO, list: [] }, /non-empty array/],
    ['an interactive message without an action', 'interactive', { to: TO, type: 'button', body: { text: 'x' } }, /'action' is required/],
    ['a link preview without a link', 'link_preview', { to: TO, body: 'no link here', title: 'T' }, /must contain a link/],
    ['a link preview without a title', 'link_preview', { to: TO, body: 'https://example.invalid' }, /'title' is required/],
  ];

  it.each(invalidBodies)('refuses %s with Whapi’s 400 envelope', async (_name, type, body, details) => {
    // Act
    const reply = await sendJson<WhapiError>(`${sandbox.url}/messages/${type}`, WHAPI_TOKEN, body);

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: expect.objectContaining({ code: 400, message: 'Bad Request', details: expect.stringMatching(details) }) });
    expect(sandbox.sent).toEqual([]);
  });

  it('has no endpoint for a type it does not speak', async () => {
    const response = await fetch(`${sandbox.url}/messages/poll`, { method: 'POST', headers: bearer(WHAPI_TOKEN), body: '{}' });

    expect(response.status).toBe(404);
  });
});

describe('Whapi sandbox: reactions', () => {
  let sandbox: ProviderSandbox;

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ tokens: { meta: [], whapi: [WHAPI_TOKEN] }, whapiChannels: () => ({ [WHAPI_TOKEN]: CHANNEL_ID }) });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('sets and removes a reaction on a message, recorded under that message and its chat', async () => {
    // Prepare
    const text = await sendJson<{ message: { id: string } }>(`${sandbox.url}/messages/text`, WHAPI_TOKEN, { to: TO, body: 'hi' });
    const reactionUrl = `${sandbox.url}/messages/${encodeURIComponent(text.body.message.id)}/reaction`;

    // Act
    const put = await sendJson(reactionUrl, WHAPI_TOKEN, fixtures['PUT /messages/{MessageID}/reaction'], { method: 'PUT' });
    const removed = await fetch(reactionUrl, { method: 'DELETE', headers: bearer(WHAPI_TOKEN) });

    // Assert
    expect(put).toEqual({ status: 200, body: { success: true } });
    expect(removed.status).toBe(200);
    expect(sandbox.sent.slice(1)).toEqual([
      { provider: 'whapi', channelId: CHANNEL_ID, to: TO, type: 'reaction', body: { emoji: '👍' }, providerMessageId: text.body.message.id, acceptedAt: expect.any(Number) },
      { provider: 'whapi', channelId: CHANNEL_ID, to: TO, type: 'reaction', body: {}, providerMessageId: text.body.message.id, acceptedAt: expect.any(Number) },
    ]);
  });

  it('refuses a reaction without an emoji', async () => {
    const reply = await sendJson<WhapiError>(`${sandbox.url}/messages/SOME-ID/reaction`, WHAPI_TOKEN, {}, { method: 'PUT' });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toMatch(/'emoji' is required/);
  });
});

describe('Whapi sandbox: POST /media', () => {
  let sandbox: ProviderSandbox;

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ tokens: { meta: [], whapi: [WHAPI_TOKEN] } });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('stores a raw upload, serves it by id and accepts the id in a send', async () => {
    // Act
    const upload = await fetch(`${sandbox.url}/media`, { method: 'POST', headers: { ...bearer(WHAPI_TOKEN), 'content-type': 'application/pdf' }, body: PDF });
    const { media } = (await upload.json()) as { media: { id: string }[] };
    const mediaId = media[0]!.id;
    const download = await fetch(`${sandbox.url}/media/${mediaId}`, { headers: bearer(WHAPI_TOKEN) });
    const send = await sendJson(`${sandbox.url}/messages/document`, WHAPI_TOKEN, { to: TO, media: mediaId, filename: 'a.pdf' });

    // Assert
    expect(upload.status).toBe(200);
    expect(mediaId).toMatch(/^pdf-/);
    expect(sandbox.uploads).toEqual([{ provider: 'whapi', mediaId, mimeType: 'application/pdf', size: PDF.length }]);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);
    expect(send.status).toBe(200);
  });

  it('stores a multipart upload with its file name', async () => {
    const reply = await uploadForm<{ media: { id: string }[] }>(`${sandbox.url}/media`, WHAPI_TOKEN, { file: new Blob([PDF], { type: 'application/pdf' }) }, 'invoice.pdf');

    expect(reply.status).toBe(200);
    expect(sandbox.uploads).toEqual([{ provider: 'whapi', mediaId: reply.body.media[0]!.id, mimeType: 'application/pdf', size: PDF.length, filename: 'invoice.pdf' }]);
  });

  it('refuses an empty upload and an unknown token', async () => {
    const empty = await fetch(`${sandbox.url}/media`, { method: 'POST', headers: { ...bearer(WHAPI_TOKEN), 'content-type': 'image/png' }, body: new Uint8Array() });
    const stranger = await fetch(`${sandbox.url}/media`, { method: 'POST', headers: { ...bearer('wrong'), 'content-type': 'image/png' }, body: PDF });

    expect(empty.status).toBe(400);
    expect(stranger.status).toBe(401);
    expect(sandbox.uploads).toEqual([]);
  });
});
