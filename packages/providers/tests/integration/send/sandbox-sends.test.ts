import { startProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { ProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import { metaSendBody } from '../../../src/send/meta-cloud-provider';
import { META_TOKEN, PHONE_NUMBER_ID, WHAPI_CHANNEL_ID, WHAPI_TOKEN, metaChannel, whapiChannel } from '../../support/channels';
import { testProviders } from '../../support/providers';
import type { TestProviders } from '../../support/providers';
import { rowMessages } from '../../support/send-fixtures';

type Body = Record<string, unknown>;

const TO = '+15550001111';
/** Longer than the test clients' deadline: the answer comes too late. */
const LATE_MS = 3000;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** Media ids the recorded Cloud API bodies send by id: uploaded before the tests, as a tenant would have. */
const FIXTURE_MEDIA_IDS = ['500000000000095', '500000000000096', '500000000000097', '500000000000098', '500000000000099'];

/** The Whapi endpoint each recorded Cloud API body goes to. */
const WHAPI_TYPE_OF: Record<string, string> = {
  text: 'text',
  text_reply_context: 'text',
  text_with_callback_data: 'text',
  image_by_id: 'image',
  image_by_link: 'image',
  video_by_id: 'video',
  audio_basic: 'audio',
  audio_voice_note: 'voice',
  document_by_link: 'document',
  sticker_by_id: 'sticker',
  location: 'location',
  contacts: 'contact',
  interactive_buttons: 'interactive',
  interactive_list: 'interactive',
  interactive_cta_url: 'interactive',
  reaction: 'reaction',
  reaction_remove: 'reaction',
};

const isTemplate = (message: Body): boolean => message.type === 'template';

describe('providers against the provider sandbox', () => {
  let sandbox: ProviderSandbox;
  let clients: TestProviders;

  beforeAll(async () => {
    sandbox = await startProviderSandbox({
      tokens: { meta: [META_TOKEN], whapi: [] },
      whapiChannels: () => ({ [WHAPI_TOKEN]: WHAPI_CHANNEL_ID }),
    });
    for (const id of FIXTURE_MEDIA_IDS) sandbox.addMedia({ id, mimeType: 'image/jpeg', bytes: PNG });
    clients = testProviders();
  });

  afterEach(() => sandbox.clearFaults());

  afterAll(async () => {
    clients.close();
    await sandbox.close();
  });

  const meta = () => clients.providers.meta;
  const whapi = () => clients.providers.whapi;
  const metaSend = (message: Body) => meta().send(metaChannel(sandbox.url), TO, message, { callbackData: 'row=1' });
  const whapiSend = (message: Body) => whapi().send(whapiChannel(sandbox.url), TO, message);
  const sentWith = (providerMessageId: string) => sandbox.sent.find((message) => message.providerMessageId === providerMessageId);
  const idOf = (result: { outcome: string; providerMessageId?: string }): string => {
    if (result.outcome !== 'accepted' || result.providerMessageId === undefined) throw new Error(`not accepted: ${JSON.stringify(result)}`);
    return result.providerMessageId;
  };

  describe('Meta Cloud API', () => {
    it.each(rowMessages())('sends %s and the sandbox accepts it as the Cloud API would', async (_name, message) => {
      // Act
      const result = await metaSend(message);

      // Assert
      expect(result).toMatchObject({ outcome: 'accepted', providerMessageId: expect.stringMatching(/^wamid\./) });
      expect(sentWith(idOf(result))).toMatchObject({
        provider: 'meta',
        channelId: PHONE_NUMBER_ID,
        to: TO,
        type: message.type,
        body: metaSendBody(TO, message, { callbackData: 'row=1' }),
      });
    });

    it('uploads a file, then sends it by the media id it got', async () => {
      // Act
      const upload = await meta().uploadMedia(metaChannel(sandbox.url), { bytes: PNG, mimeType: 'image/png', filename: 'receipt.png' });
      const mediaId = idOf(upload);
      const sent = await metaSend({ type: 'image', image: { id: mediaId, caption: 'Receipt' } });

      // Assert
      expect(sandbox.uploads).toContainEqual({ provider: 'meta', mediaId, mimeType: 'image/png', size: PNG.length, filename: 'receipt.png' });
      expect(sent).toMatchObject({ outcome: 'accepted' });
    });

    it('fails for good a media id the Cloud API does not know (Graph 100)', async () => {
      const result = await metaSend({ type: 'image', image: { id: 'never-uploaded' } });

      expect(result).toMatchObject({ outcome: 'rejected', code: '100', retry: 'permanent' });
    });

    it('fails for good a file type the Cloud API does not take', async () => {
      const result = await meta().uploadMedia(metaChannel(sandbox.url), { bytes: PNG, mimeType: 'image/gif', filename: 'a.gif' });

      expect(result).toMatchObject({ outcome: 'rejected', code: '100', retry: 'permanent' });
    });

    it('asks for a fresh token when the sandbox does not know the one it got', async () => {
      const result = await meta().send(metaChannel(sandbox.url, { accessToken: 'EAAG-revoked' }), TO, { type: 'text', text: { body: 'x' } });

      expect(result).toMatchObject({ outcome: 'rejected', code: '190', retry: 'token-expired' });
      expect(JSON.stringify(result)).not.toContain('EAAG-revoked');
    });

    it.each<[number, string, number | undefined]>([
      [130429, 'retryable', undefined],
      [131056, 'retryable', 6],
      [80007, 'retryable', undefined],
      [131000, 'retryable', undefined],
      [131016, 'retryable', undefined],
      [131047, 'permanent', undefined],
      [131026, 'permanent', undefined],
      [132001, 'permanent', undefined],
      [368, 'permanent', undefined],
      [190, 'token-expired', undefined],
    ])('classifies an injected Graph error %i as %s', async (graphErrorCode, retry, minDelaySeconds) => {
      // Prepare
      sandbox.injectFault({ route: 'meta-send', graphErrorCode, times: 1 });

      // Act
      const result = await metaSend({ type: 'text', text: { body: 'x' } });

      // Assert
      expect(result).toMatchObject({ outcome: 'rejected', code: String(graphErrorCode), retry });
      expect(result).toEqual(minDelaySeconds === undefined ? expect.not.objectContaining({ minDelaySeconds: expect.anything() }) : expect.objectContaining({ minDelaySeconds }));
    });

    it('retries an injected 5xx', async () => {
      sandbox.injectFault({ route: 'meta-send', status: 503, times: 1 });

      expect(await metaSend({ type: 'text', text: { body: 'x' } })).toMatchObject({ outcome: 'rejected', retry: 'retryable' });
    });

    it('reports an unknown outcome when the Cloud API accepted the message but answered too late', async () => {
      // Prepare
      sandbox.injectFault({ route: 'meta-send', acceptThenDelayMs: LATE_MS, times: 1 });
      const before = sandbox.sent.length;

      // Act
      const result = await metaSend({ type: 'text', text: { body: 'maybe sent' } });

      // Assert: the provider did take it, which is why resending blindly would duplicate it.
      expect(result).toMatchObject({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' });
      expect(sandbox.sent.slice(before).map((message) => message.body.text)).toEqual([{ body: 'maybe sent' }]);
    });

    it('reports an unknown outcome, too, when the answer is late and nothing was accepted: the client cannot tell', async () => {
      sandbox.injectFault({ route: 'meta-send', delayMs: LATE_MS, times: 1 });
      const before = sandbox.sent.length;

      const result = await metaSend({ type: 'text', text: { body: 'not sent' } });

      expect(result).toMatchObject({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' });
      expect(sandbox.sent.length).toBe(before);
    });

    it('retries an upload whose answer came too late', async () => {
      sandbox.injectFault({ route: 'meta-media-upload', delayMs: LATE_MS, times: 1 });

      const result = await meta().uploadMedia(metaChannel(sandbox.url), { bytes: PNG, mimeType: 'image/png', filename: 'a.png' });

      expect(result).toMatchObject({ outcome: 'rejected', code: 'UPLOAD_TIMEOUT', retry: 'retryable' });
    });
  });

  describe('Whapi', () => {
    const whapiMessages = rowMessages().filter(([, message]) => !isTemplate(message));

    it.each(whapiMessages)('sends %s through the matching Whapi endpoint', async (name, message) => {
      // Prepare
      const before = sandbox.sent.length;

      // Act
      const result = await whapiSend(message);

      // Assert
      expect(result).toMatchObject({ outcome: 'accepted' });
      const recorded = sandbox.sent.slice(before);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ provider: 'whapi', channelId: WHAPI_CHANNEL_ID, type: WHAPI_TYPE_OF[name] });
      if (message.type !== 'reaction') {
        expect(recorded[0]).toMatchObject({ to: '15550001111', providerMessageId: idOf(result) });
      }
    });

    it.each(rowMessages().filter(([, message]) => isTemplate(message)))('refuses %s: Whapi has no Cloud API templates', async (_name, message) => {
      const before = sandbox.requests.length;

      const result = await whapiSend(message);

      expect(result).toMatchObject({ outcome: 'rejected', code: 'UNSUPPORTED_BY_PROVIDER', retry: 'permanent' });
      expect(sandbox.requests.length).toBe(before);
    });

    it('uploads a file, then sends it by the media id it got', async () => {
      const upload = await whapi().uploadMedia(whapiChannel(sandbox.url), { bytes: PNG, mimeType: 'application/pdf', filename: 'invoice.pdf' });
      const mediaId = idOf(upload);
      const sent = await whapiSend({ type: 'document', document: { id: mediaId, filename: 'invoice.pdf' } });

      expect(sandbox.uploads).toContainEqual({ provider: 'whapi', mediaId, mimeType: 'application/pdf', size: PNG.length });
      expect(sent).toMatchObject({ outcome: 'accepted' });
      expect(sentWith(idOf(sent))?.body).toMatchObject({ media: mediaId, filename: 'invoice.pdf' });
    });

    it('fails for good a recipient Whapi refuses', async () => {
      const result = await whapi().send(whapiChannel(sandbox.url), 'not-a-number', { type: 'text', text: { body: 'x' } });

      expect(result).toMatchObject({ outcome: 'rejected', code: '400', retry: 'permanent', message: "400: Bad Request (Invalid 'to' parameter)" });
    });

    it('asks for a fresh token when Whapi does not know the one it got', async () => {
      const result = await whapi().send(whapiChannel(sandbox.url, { apiToken: 'whapi-revoked' }), TO, { type: 'text', text: { body: 'x' } });

      expect(result).toMatchObject({ outcome: 'rejected', code: '401', retry: 'token-expired' });
    });

    it.each<[number, string]>([
      [429, 'retryable'],
      [500, 'retryable'],
      [503, 'retryable'],
      [401, 'token-expired'],
      [403, 'permanent'],
    ])('classifies an injected HTTP %i as %s', async (whapiStatus, retry) => {
      sandbox.injectFault({ route: 'whapi-send', whapiStatus, times: 1 });

      expect(await whapiSend({ type: 'text', text: { body: 'x' } })).toMatchObject({ outcome: 'rejected', code: String(whapiStatus), retry });
    });

    it('classifies an injected failure of a reaction like one of a send', async () => {
      sandbox.injectFault({ route: 'whapi-reaction', whapiStatus: 429, times: 1 });

      const result = await whapiSend({ type: 'reaction', reaction: { message_id: 'TestWhapiMsgId0001-abc', emoji: '👍' } });

      expect(result).toMatchObject({ outcome: 'rejected', code: '429', retry: 'retryable' });
    });

    it('reports an unknown outcome when Whapi accepted the message but answered too late', async () => {
      sandbox.injectFault({ route: 'whapi-send', acceptThenDelayMs: LATE_MS, times: 1 });
      const before = sandbox.sent.length;

      const result = await whapiSend({ type: 'text', text: { body: 'maybe sent' } });

      expect(result).toMatchObject({ outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' });
      expect(sandbox.sent.slice(before).map((message) => message.body.body)).toEqual(['maybe sent']);
    });
  });
});
