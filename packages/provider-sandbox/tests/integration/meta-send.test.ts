import { startProviderSandbox } from '../../src/provider-sandbox';
import type { ProviderSandbox } from '../../src/provider-sandbox';
import { fixtureJson } from '../support/fixtures';
import type { JsonObject } from '../support/fixtures';
import { bearer, sendJson, uploadForm } from '../support/http';

const META_TOKEN = 'meta-sandbox-token';
const PHONE_NUMBER_ID = '100000000000001';
const FIXTURE_MEDIA_IDS = ['500000000000099', '500000000000098', '500000000000097', '500000000000096', '500000000000095'];
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);

const sendRequests = fixtureJson<Record<string, JsonObject>>('meta-send-requests.json');
const messageFixtures = Object.entries(sendRequests).filter(([, body]) => body.status !== 'read');
const markReadFixtures = Object.entries(sendRequests).filter(([, body]) => body.status === 'read');

interface GraphError {
  error: { message: string; type: string; code: number; error_data?: { messaging_product: string; details: string }; fbtrace_id: string };
}

const valid = sendRequests.text!;
const withChanges = (changes: JsonObject): JsonObject => ({ ...valid, ...changes });

describe('Meta sandbox: POST /{version}/{phone_number_id}/messages', () => {
  let sandbox: ProviderSandbox;
  const messagesUrl = () => `${sandbox.url}/v24.0/${PHONE_NUMBER_ID}/messages`;

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ tokens: { meta: [META_TOKEN], whapi: [] } });
    for (const id of FIXTURE_MEDIA_IDS) sandbox.addMedia({ id, mimeType: 'image/jpeg', bytes: JPEG });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it.each(messageFixtures)('accepts the %s request of the fixtures and records it as sent', async (_name, body) => {
    // Act
    const reply = await sendJson<{ messaging_product: string; contacts: { input: string; wa_id: string }[]; messages: { id: string }[] }>(
      messagesUrl(),
      META_TOKEN,
      body,
    );

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+15550001111', wa_id: '15550001111' }],
      messages: [{ id: expect.stringMatching(/^wamid\.SANDBOX-\d+-[0-9a-f]+$/) }],
    });
    expect(sandbox.sent).toEqual([
      {
        provider: 'meta',
        channelId: PHONE_NUMBER_ID,
        to: '+15550001111',
        type: body.type,
        body,
        providerMessageId: reply.body.messages[0]!.id,
        acceptedAt: expect.any(Number),
      },
    ]);
  });

  it('gives every accepted message its own wamid', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => sendJson<{ messages: { id: string }[] }>(messagesUrl(), META_TOKEN, valid)));

    const ids = replies.map((reply) => reply.body.messages[0]!.id);
    expect(new Set(ids).size).toBe(20);
    expect(sandbox.sent.map((message) => message.providerMessageId).sort()).toEqual([...ids].sort());
  });

  it.each(markReadFixtures)('answers the %s request with success and sends nothing', async (_name, body) => {
    const reply = await sendJson(messagesUrl(), META_TOKEN, body);

    expect(reply).toEqual({ status: 200, body: { success: true } });
    expect(sandbox.sent).toEqual([]);
  });

  it('records the parsed body of the request, never the token', async () => {
    await sendJson(messagesUrl(), META_TOKEN, valid);

    expect(sandbox.requests).toEqual([
      { route: 'meta-send', method: 'POST', path: `/v24.0/${PHONE_NUMBER_ID}/messages`, query: {}, authorized: true, receivedAt: expect.any(Number), body: valid },
    ]);
    expect(JSON.stringify(sandbox.requests)).not.toContain(META_TOKEN);
  });

  it('answers an unknown token with Graph error 190 (HTTP 401) and sends nothing', async () => {
    const reply = await sendJson<GraphError>(messagesUrl(), 'expired-token', valid);

    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(sandbox.sent).toEqual([]);
  });

  const invalidBodies: [string, JsonObject, RegExp][] = [
    ['no messaging_product', { ...valid, messaging_product: undefined }, /messaging_product is required/],
    ['another messaging_product', withChanges({ messaging_product: 'sms' }), /messaging_product must be one of/],
    ['no recipient', withChanges({ to: undefined }), /parameter to is required/],
    ['a recipient that is not a phone number', withChanges({ to: 'jane@example.invalid' }), /'to' is not a valid phone number/],
    ['an unknown type', withChanges({ type: 'poll', poll: {} }), /Param type must be one of/],
    ['no object named by the type', withChanges({ text: undefined }), /parameter text is required/],
    ['an empty text body', withChanges({ text: { body: '' } }), /text\['body'\] is required/],
    ['a text body over 4096 characters', withChanges({ text: { body: 'x'.repeat(4097) } }), /at most 4096 characters/],
    ['media with both id and link', { ...sendRequests.image_by_id, image: { id: FIXTURE_MEDIA_IDS[0], link: 'https://example.invalid/a.jpg' } }, /exactly one of 'id' or 'link'/],
    ['media with neither id nor link', { ...sendRequests.image_by_id, image: { caption: 'x' } }, /exactly one of 'id' or 'link'/],
    ['a media id nobody uploaded', { ...sendRequests.image_by_id, image: { id: '123456789012345' } }, /not a valid media id/],
    ['a caption on a sticker', { ...sendRequests.sticker_by_id, sticker: { id: FIXTURE_MEDIA_IDS[0], caption: 'hi' } }, /caption'\] is not allowed/],
    ['a location without latitude', { ...sendRequests.location, location: { longitude: '1' } }, /latitude/],
    ['a contact without formatted_name', { ...sendRequests.contacts, contacts: [{ name: { first_name: 'Jane' } }] }, /formatted_name'\] is required/],
    [
      'four reply buttons',
      {
        ...valid,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick' },
          action: { buttons: [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } })) },
        },
      },
      /1 to 3 buttons/,
    ],
    [
      'a list with eleven rows',
      {
        ...valid,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick' },
          action: { button: 'Options', sections: [{ title: 'All', rows: Array.from({ length: 11 }, (_, n) => ({ id: `r${n}`, title: `Row ${n}` })) }] },
        },
      },
      /at most 10 rows/,
    ],
    [
      'a cta_url without a URL',
      { ...sendRequests.interactive_cta_url, interactive: { type: 'cta_url', body: { text: 'Go' }, action: { name: 'cta_url', parameters: { display_text: 'Go' } } } },
      /url'\] must be a valid http\(s\) URL/,
    ],
    ['an interactive type it does not know', withChanges({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'x' }, action: {} } }), /interactive\['type'\] must be one of/],
    ['a template without a language', { ...sendRequests.template, template: { name: 'order_update_test' } }, /language'\]\['code'\] is required/],
    ['a reaction with a reply context', { ...sendRequests.reaction, context: { message_id: 'wamid.X' } }, /context is not allowed on reaction/],
    ['a reaction without message_id', { ...sendRequests.reaction, reaction: { emoji: '👍' } }, /message_id'\] is required/],
  ];

  it.each(invalidBodies)('refuses %s with Graph error 100 (HTTP 400)', async (_name, body, details) => {
    // Act
    const reply = await sendJson<GraphError>(messagesUrl(), META_TOKEN, body);

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: {
        message: '(#100) Invalid parameter',
        type: 'OAuthException',
        code: 100,
        error_data: { messaging_product: 'whatsapp', details: expect.stringMatching(details) },
        fbtrace_id: expect.stringMatching(/^A\S+$/),
      },
    });
    expect(sandbox.sent).toEqual([]);
  });

  it('refuses a body that is not JSON with Graph error 100', async () => {
    const response = await fetch(messagesUrl(), { method: 'POST', headers: { ...bearer(META_TOKEN), 'content-type': 'application/json' }, body: '{"to":' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 100 } });
  });
});

describe('Meta sandbox: POST /{version}/{phone_number_id}/media', () => {
  let sandbox: ProviderSandbox;
  const mediaUrl = () => `${sandbox.url}/v24.0/${PHONE_NUMBER_ID}/media`;

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ tokens: { meta: [META_TOKEN], whapi: [] } });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('stores a multipart upload, accepts its id in a send and serves it through the media lookup', async () => {
    // Act
    const upload = await uploadForm<{ id: string }>(
      mediaUrl(),
      META_TOKEN,
      { messaging_product: 'whatsapp', type: 'image/jpeg', file: new Blob([JPEG], { type: 'image/jpeg' }) },
      'receipt.jpg',
    );
    const send = await sendJson(`${sandbox.url}/v24.0/${PHONE_NUMBER_ID}/messages`, META_TOKEN, { ...sendRequests.image_by_id, image: { id: upload.body.id } });
    const lookup = await fetch(`${sandbox.url}/v24.0/${upload.body.id}`, { headers: bearer(META_TOKEN) });
    const { url, mime_type: mimeType } = (await lookup.json()) as { url: string; mime_type: string };
    const download = await fetch(url, { headers: bearer(META_TOKEN) });

    // Assert
    expect(upload.status).toBe(200);
    expect(upload.body.id).toMatch(/^\d{15}$/);
    expect(sandbox.uploads).toEqual([{ provider: 'meta', mediaId: upload.body.id, mimeType: 'image/jpeg', size: JPEG.length, filename: 'receipt.jpg' }]);
    expect(sandbox.requests[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      type: 'image/jpeg',
      file: { filename: 'receipt.jpg', mimeType: 'image/jpeg', size: JPEG.length },
    });
    expect(send.status).toBe(200);
    expect(mimeType).toBe('image/jpeg');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(JPEG);
  });

  it('refuses an upload without messaging_product', async () => {
    const reply = await uploadForm<GraphError>(mediaUrl(), META_TOKEN, { file: new Blob([JPEG], { type: 'image/jpeg' }) });

    expect(reply.status).toBe(400);
    expect(reply.body.error.error_data?.details).toMatch(/messaging_product is required/);
    expect(sandbox.uploads).toEqual([]);
  });

  it('refuses a file type the Cloud API does not take', async () => {
    const reply = await uploadForm<GraphError>(mediaUrl(), META_TOKEN, { messaging_product: 'whatsapp', file: new Blob([JPEG], { type: 'image/gif' }) });

    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 100 });
    expect(reply.body.error.error_data?.details).toMatch(/one of the following types/);
  });

  it('refuses a body that is not multipart', async () => {
    const response = await fetch(mediaUrl(), { method: 'POST', headers: { ...bearer(META_TOKEN), 'content-type': 'image/jpeg' }, body: JPEG });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 100 } });
  });

  it('answers an unknown token with Graph error 190', async () => {
    const reply = await uploadForm<GraphError>(mediaUrl(), 'nope', { messaging_product: 'whatsapp', file: new Blob([JPEG], { type: 'image/jpeg' }) });

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe(190);
  });
});
