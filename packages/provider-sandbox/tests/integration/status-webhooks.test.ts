import { createHmac, timingSafeEqual } from 'node:crypto';
import { startProviderSandbox } from '../../src/provider-sandbox';
import type { ProviderSandbox, StatusWebhookError, StatusWebhookSettings } from '../../src/provider-sandbox';
import { fixtureJson } from '../support/fixtures';
import type { JsonObject } from '../support/fixtures';
import { sendJson } from '../support/http';
import { startWebhookReceiver } from '../support/webhook-receiver';
import type { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

const META_TOKEN = 'meta-sandbox-token';
const WHAPI_TOKEN = 'whapi-sandbox-token';
const PHONE_NUMBER_ID = '100000000000001';
const CHANNEL_ID = 'TESTCH-ABCDE';
const APP_SECRET = 'test-app-secret';
const GATEWAY_SECRET = 'test-gateway-secret';
const TEXT = fixtureJson<Record<string, JsonObject>>('meta-send-requests.json').text!;

interface MetaStatus {
  id: string;
  status: string;
  timestamp: string;
  recipient_id: string;
  pricing?: JsonObject;
  errors?: { code: number; title: string }[];
}

const metaStatusOf = (hook: ReceivedWebhook): MetaStatus => {
  const entry = (hook.json.entry as { changes: { value: { statuses: MetaStatus[] } }[] }[])[0]!;
  return entry.changes[0]!.value.statuses[0]!;
};

const whapiStatusOf = (hook: ReceivedWebhook): { id: string; status: string; timestamp: string; recipient_id: string } =>
  (hook.json.statuses as { id: string; status: string; timestamp: string; recipient_id: string }[])[0]!;

/** The receiver's check (reference §A2): HMAC-SHA256 of the exact bytes with the app secret. */
const signatureVerifies = (hook: ReceivedWebhook, secret: string): boolean => {
  const header = String(hook.headers['x-hub-signature-256'] ?? '');
  if (!header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(hook.raw).digest();
  const presented = Buffer.from(header.slice('sha256='.length), 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
};

describe('provider sandbox status webhooks', () => {
  let receiver: WebhookReceiver;
  let sandbox: ProviderSandbox;
  const errors: StatusWebhookError[] = [];

  const settings = (overrides: Partial<StatusWebhookSettings> = {}): StatusWebhookSettings => ({
    receiverUrl: receiver.url,
    metaAppSecretFor: (channelId) => (channelId === PHONE_NUMBER_ID ? APP_SECRET : undefined),
    whapiWebhookSecretFor: (channelId) => (channelId === CHANNEL_ID ? GATEWAY_SECRET : undefined),
    delaysMs: 0,
    retryDelayMs: 1,
    onWebhookError: (error) => errors.push(error),
    ...overrides,
  });
  const start = async (statusWebhooks?: StatusWebhookSettings, seed?: number): Promise<void> => {
    sandbox = await startProviderSandbox({
      tokens: { meta: [META_TOKEN], whapi: [WHAPI_TOKEN] },
      whapiChannels: () => ({ [WHAPI_TOKEN]: CHANNEL_ID }),
      ...(statusWebhooks === undefined ? {} : { statusWebhooks }),
      ...(seed === undefined ? {} : { seed }),
    });
  };
  const metaSend = (body: JsonObject = TEXT) => sendJson<{ messages: { id: string }[] }>(`${sandbox.url}/v24.0/${PHONE_NUMBER_ID}/messages`, META_TOKEN, body);

  beforeEach(async () => {
    errors.length = 0;
    receiver = await startWebhookReceiver();
  });

  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('posts signed Meta sent, delivered and read webhooks for an accepted send', async () => {
    // Prepare
    await start(settings());

    // Act
    const reply = await metaSend();
    await sandbox.whenWebhooksIdle();

    // Assert
    const wamid = reply.body.messages[0]!.id;
    expect(receiver.received.map((hook) => hook.path)).toEqual(['/webhooks/meta', '/webhooks/meta', '/webhooks/meta']);
    expect(receiver.received.every((hook) => signatureVerifies(hook, APP_SECRET))).toBe(true);
    expect(receiver.received.some((hook) => signatureVerifies(hook, 'another-secret'))).toBe(false);
    const statuses = receiver.received.map(metaStatusOf);
    expect(statuses.map((status) => status.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses.every((status) => status.id === wamid && status.recipient_id === '15550001111')).toBe(true);
    const seconds = statuses.map((status) => Number(status.timestamp));
    expect(statuses.every((status) => typeof status.timestamp === 'string')).toBe(true);
    expect(seconds[1]).toBeGreaterThan(seconds[0]!);
    expect(seconds[2]).toBeGreaterThan(seconds[1]!);
    expect(statuses.map((status) => status.pricing !== undefined)).toEqual([true, false, false]);
    expect(receiver.received[0]!.json).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: expect.any(String),
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: expect.stringMatching(/^\d+$/), phone_number_id: PHONE_NUMBER_ID },
                statuses: [statuses[0]],
              },
            },
          ],
        },
      ],
    });
    expect(sandbox.pendingWebhooks()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('echoes biz_opaque_callback_data with non-ASCII escaped like Meta, and signs those bytes', async () => {
    await start(settings({ sequence: ['sent'] }));

    await metaSend({ ...TEXT, biz_opaque_callback_data: 'tenant=café' });
    await sandbox.whenWebhooksIdle();

    const hook = receiver.received[0]!;
    expect(hook.raw.toString('utf8')).toContain('tenant=caf\\u00e9');
    expect(hook.raw.every((byte) => byte < 0x80)).toBe(true);
    expect(metaStatusOf(hook)).toMatchObject({ biz_opaque_callback_data: 'tenant=café' });
    expect(signatureVerifies(hook, APP_SECRET)).toBe(true);
  });

  it('posts Whapi statuses with the channel and the gateway secret', async () => {
    // Prepare
    await start(settings({ sequence: ['sent', 'read'] }));

    // Act
    const reply = await sendJson<{ message: { id: string } }>(`${sandbox.url}/messages/text`, WHAPI_TOKEN, { to: '15550001111', body: 'hi' });
    await sandbox.whenWebhooksIdle();

    // Assert
    expect(receiver.received.map((hook) => [hook.path, hook.headers['x-gateway-secret']])).toEqual([
      [`/webhooks/whapi/${CHANNEL_ID}`, GATEWAY_SECRET],
      [`/webhooks/whapi/${CHANNEL_ID}`, GATEWAY_SECRET],
    ]);
    expect(receiver.received[0]!.json).toEqual({
      statuses: [{ id: reply.body.message.id, code: 2, status: 'sent', recipient_id: '15550001111@s.whatsapp.net', timestamp: expect.stringMatching(/^\d+$/) }],
      event: { type: 'statuses', event: 'post' },
      channel_id: CHANNEL_ID,
    });
    expect(whapiStatusOf(receiver.received[1]!).status).toBe('read');
  });

  it('posts nothing until configured at runtime, then uses the new receiver', async () => {
    // Prepare
    await start();
    await metaSend();

    // Act
    sandbox.configureStatusWebhooks(settings({ sequence: ['delivered'] }));
    await metaSend();
    await sandbox.whenWebhooksIdle();

    // Assert
    expect(receiver.received.map((hook) => metaStatusOf(hook).status)).toEqual(['delivered']);
    expect(metaStatusOf(receiver.received[0]!).id).toBe(sandbox.sent[1]!.providerMessageId);
  });

  it('shuffles the steps of a message but keeps their timestamps in the real order', async () => {
    // Prepare
    await start(settings({ shuffle: true }), 11);

    // Act
    for (let index = 0; index < 10; index += 1) await metaSend();
    await sandbox.whenWebhooksIdle();

    // Assert
    const byMessage = new Map<string, MetaStatus[]>();
    for (const status of receiver.received.map(metaStatusOf)) byMessage.set(status.id, [...(byMessage.get(status.id) ?? []), status]);
    const orders = [...byMessage.values()].map((statuses) => statuses.map((status) => status.status).join(','));
    expect(byMessage.size).toBe(10);
    expect(orders.some((order) => order !== 'sent,delivered,read')).toBe(true);
    for (const statuses of byMessage.values()) {
      const byTime = [...statuses].sort((a, b) => Number(a.timestamp) - Number(b.timestamp)).map((status) => status.status);
      expect(byTime).toEqual(['sent', 'delivered', 'read']);
    }
  });

  it('posts every step twice when duplicates are certain', async () => {
    await start(settings({ duplicateProbability: 1 }));

    await metaSend();
    await sandbox.whenWebhooksIdle();

    expect(receiver.received.map((hook) => metaStatusOf(hook).status)).toEqual(['sent', 'sent', 'delivered', 'delivered', 'read', 'read']);
  });

  it('posts some steps twice when duplicates are likely', async () => {
    await start(settings({ duplicateProbability: 0.5 }));

    for (let index = 0; index < 10; index += 1) await metaSend();
    await sandbox.whenWebhooksIdle();

    expect(receiver.received.length).toBeGreaterThan(30);
    expect(receiver.received.length).toBeLessThan(60);
  });

  it('fails a message asynchronously after sent when told to', async () => {
    await start(settings({ failWith: { code: 131026 } }));

    await metaSend();
    await sandbox.whenWebhooksIdle();

    const statuses = receiver.received.map(metaStatusOf);
    expect(statuses.map((status) => status.status)).toEqual(['sent', 'failed']);
    expect(statuses[1]!.errors).toEqual([expect.objectContaining({ code: 131026, title: 'Message undeliverable' })]);
  });

  it('retries a refused webhook until the receiver takes it', async () => {
    // Prepare
    await start(settings({ sequence: ['sent'] }));
    receiver.answerNext(500, 503);

    // Act
    await metaSend();
    await sandbox.whenWebhooksIdle();

    // Assert
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((hook) => hook.raw.toString('utf8'))).size).toBe(1);
    expect(errors).toEqual([]);
  });

  it('gives up after the last attempt and reports it without throwing', async () => {
    // Prepare
    await start(settings({ sequence: ['sent'], maxAttempts: 3 }));
    receiver.answerAlways(500);

    // Act
    const reply = await metaSend();
    await sandbox.whenWebhooksIdle();

    // Assert
    expect(reply.status).toBe(200);
    expect(receiver.received).toHaveLength(3);
    expect(errors).toEqual([
      {
        provider: 'meta',
        channelId: PHONE_NUMBER_ID,
        providerMessageId: reply.body.messages[0]!.id,
        status: 'sent',
        url: `${receiver.url}/webhooks/meta`,
        attempts: 3,
        reason: 'HTTP 500',
      },
    ]);
  });

  it('reports a channel it has no secret for instead of posting unsigned', async () => {
    await start(settings({ sequence: ['sent'], metaAppSecretFor: () => undefined }));

    await metaSend();
    await sandbox.whenWebhooksIdle();

    expect(receiver.received).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ provider: 'meta', url: undefined, attempts: 0, reason: expect.stringMatching(/no Meta app secret/) })]);
  });

  it('keeps at most maxConcurrentRequests webhooks in flight', async () => {
    // Prepare
    await start(settings({ sequence: ['sent'], maxConcurrentRequests: 2 }));
    receiver.holdAnswers(20);

    // Act
    await Promise.all(Array.from({ length: 6 }, () => metaSend()));
    await sandbox.whenWebhooksIdle();

    // Assert
    expect(receiver.received).toHaveLength(6);
    expect(receiver.maxInFlight()).toBe(2);
  });

  it('counts pending webhooks and stops them cleanly on close', async () => {
    // Prepare
    await start(settings({ delaysMs: 60_000 }));
    await metaSend();
    await metaSend();
    const pendingBefore = sandbox.pendingWebhooks();
    const idle = sandbox.whenWebhooksIdle();

    // Act
    await sandbox.close();
    await idle;

    // Assert
    expect(pendingBefore).toBe(6);
    expect(sandbox.pendingWebhooks()).toBe(0);
    expect(receiver.received).toEqual([]);
    expect(errors).toEqual([]);
  });
});
