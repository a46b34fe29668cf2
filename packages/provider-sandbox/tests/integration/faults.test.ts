import { startProviderSandbox } from '../../src/provider-sandbox';
import type { ProviderSandbox } from '../../src/provider-sandbox';
import { fixtureJson } from '../support/fixtures';
import type { JsonObject } from '../support/fixtures';
import { rejection, sendJson } from '../support/http';
import { startWebhookReceiver } from '../support/webhook-receiver';
import type { WebhookReceiver } from '../support/webhook-receiver';

const META_TOKEN = 'meta-sandbox-token';
const WHAPI_TOKEN = 'whapi-sandbox-token';
const PHONE_NUMBER_ID = '100000000000001';
const TEXT = fixtureJson<Record<string, JsonObject>>('meta-send-requests.json').text!;
const WHAPI_TEXT = { to: '15550001111@s.whatsapp.net', body: 'hi' };

interface GraphError {
  error: { code: number; message: string; fbtrace_id: string } & JsonObject;
}

const withoutTrace = (body: GraphError): JsonObject => ({ ...body.error, fbtrace_id: 'TRACE' });

describe('provider sandbox faults', () => {
  let sandbox: ProviderSandbox;
  const metaSend = (body: JsonObject = TEXT, signal?: AbortSignal) =>
    sendJson<GraphError>(`${sandbox.url}/v24.0/${PHONE_NUMBER_ID}/messages`, META_TOKEN, body, signal === undefined ? {} : { signal });
  const whapiSend = (body: JsonObject = WHAPI_TEXT) => sendJson<JsonObject>(`${sandbox.url}/messages/text`, WHAPI_TOKEN, body);

  beforeEach(async () => {
    sandbox = await startProviderSandbox({ tokens: { meta: [META_TOKEN], whapi: [WHAPI_TOKEN] } });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it.each([
    [100, 400],
    [4, 429],
    [130429, 429],
    [131000, 500],
    [131047, 400],
    [131053, 400],
    [132001, 400],
    [190, 401],
    [368, 403],
  ])('answers injected Graph error %i with the fixture envelope and HTTP %i', async (code, status) => {
    // Prepare
    sandbox.injectFault({ route: 'meta-send', graphErrorCode: code });

    // Act
    const reply = await metaSend();

    // Assert
    expect(reply.status).toBe(status);
    expect(withoutTrace(reply.body)).toEqual({ ...fixtureJson<GraphError>(`meta-error-${code}.json`).error, fbtrace_id: 'TRACE' });
    expect(reply.body.error.fbtrace_id).toMatch(/^A/);
    expect(sandbox.sent).toEqual([]);
  });

  it.each([
    [80007, 429],
    [131056, 429],
    [131016, 503],
    [133004, 503],
    [131057, 503],
    [131026, 400],
  ])('answers injected Graph error %i with HTTP %i', async (code, status) => {
    sandbox.injectFault({ graphErrorCode: code });

    const reply = await metaSend();

    expect(reply.status).toBe(status);
    expect(reply.body.error).toMatchObject({ code, type: 'OAuthException', message: expect.stringMatching(new RegExp(`^\\(#${code}\\) `)) });
  });

  it('keeps Graph error codes away from Whapi routes and Whapi statuses away from Meta routes', async () => {
    // Prepare
    sandbox.injectFault({ graphErrorCode: 130429 });
    sandbox.injectFault({ whapiStatus: 503 });

    // Act
    const meta = await metaSend();
    const whapi = await whapiSend();

    // Assert
    expect(meta.status).toBe(429);
    expect(whapi).toEqual({ status: 503, body: { error: { code: 503, message: 'Service Unavailable' } } });
  });

  it('answers a plain status fault in each provider’s envelope', async () => {
    sandbox.injectFault({ status: 500, times: 2 });

    const meta = await metaSend();
    const whapi = await whapiSend();
    const after = await metaSend();

    expect(meta.status).toBe(500);
    expect(meta.body.error).toMatchObject({ code: 131000 });
    expect(whapi).toEqual({ status: 500, body: { error: { code: 500, message: 'Internal Server Error' } } });
    expect(after.status).toBe(200);
  });

  it('hits only sends to the fault’s recipient, whatever way the number is written', async () => {
    // Prepare
    sandbox.injectFault({ to: '15550001111', graphErrorCode: 131026 });
    sandbox.injectFault({ to: '+1 555 000 1111', whapiStatus: 429 });

    // Act
    const hit = await metaSend();
    const other = await metaSend({ ...TEXT, to: '+15550002222' });
    const whapiHit = await whapiSend();
    const whapiOther = await whapiSend({ ...WHAPI_TEXT, to: '15550002222@s.whatsapp.net' });

    // Assert
    expect([hit.status, other.status, whapiHit.status, whapiOther.status]).toEqual([400, 200, 429, 200]);
    expect(sandbox.sent.map((message) => message.to)).toEqual(['+15550002222', '15550002222@s.whatsapp.net']);
  });

  it('hits the same requests for the same seed, and other ones for another seed', async () => {
    // Prepare
    const outcomes = async (seed: number): Promise<number[]> => {
      const seeded = await startProviderSandbox({ tokens: { meta: [META_TOKEN], whapi: [] }, seed });
      seeded.injectFault({ route: 'meta-send', graphErrorCode: 130429, probability: 0.3 });
      const statuses: number[] = [];
      for (let index = 0; index < 40; index += 1) {
        const reply = await sendJson(`${seeded.url}/v24.0/${PHONE_NUMBER_ID}/messages`, META_TOKEN, TEXT);
        statuses.push(reply.status);
      }
      await seeded.close();
      return statuses;
    };

    // Act
    const first = await outcomes(7);
    const again = await outcomes(7);
    const other = await outcomes(8);

    // Assert
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const failures = first.filter((status) => status === 429).length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(40);
  });

  it('counts only the requests a probabilistic fault hit toward its times', async () => {
    sandbox.injectFault({ route: 'meta-send', status: 503, probability: 0.5, times: 3 });

    const statuses: number[] = [];
    for (let index = 0; index < 30; index += 1) statuses.push((await metaSend()).status);

    expect(statuses.filter((status) => status === 503)).toHaveLength(3);
  });

  it('drops a send whose client timed out during the delay: nothing is recorded', async () => {
    // Prepare
    sandbox.injectFault({ route: 'meta-send', delayMs: 60_000 });

    // Act
    await rejection(metaSend(TEXT, AbortSignal.timeout(100)));
    await sandbox.close();

    // Assert
    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.sent).toEqual([]);
  });

  it('answers a delayed send that the client waited for as usual', async () => {
    sandbox.injectFault({ route: 'whapi-send', delayMs: 20 });

    const reply = await whapiSend();

    expect(reply.status).toBe(200);
    expect(sandbox.sent).toHaveLength(1);
  });

  it('applies route faults to uploads', async () => {
    sandbox.injectFault({ route: 'whapi-media-upload', whapiStatus: 413 });

    const response = await fetch(`${sandbox.url}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WHAPI_TOKEN}`, 'content-type': 'image/png' },
      body: new Uint8Array([1]),
    });

    expect(response.status).toBe(413);
    expect(sandbox.uploads).toEqual([]);
  });
});

describe('provider sandbox accept-then-delay fault', () => {
  let sandbox: ProviderSandbox;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sandbox = await startProviderSandbox({
      tokens: { meta: [META_TOKEN], whapi: [] },
      statusWebhooks: { receiverUrl: receiver.url, metaAppSecretFor: () => 'app-secret', whapiWebhookSecretFor: () => undefined, delaysMs: 0 },
    });
  });

  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('records the message and posts its webhooks while the client times out', async () => {
    // Prepare
    sandbox.injectFault({ route: 'meta-send', acceptThenDelayMs: 60_000, times: 1 });

    // Act
    const error = await rejection(sendJson(`${sandbox.url}/v24.0/${PHONE_NUMBER_ID}/messages`, META_TOKEN, TEXT, { signal: AbortSignal.timeout(200) }));
    await sandbox.whenWebhooksIdle();

    // Assert
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(sandbox.sent).toHaveLength(1);
    const wamid = sandbox.sent[0]!.providerMessageId;
    const statuses = receiver.received.map((hook) => JSON.stringify(hook.json));
    expect(statuses).toHaveLength(3);
    expect(statuses.every((body) => body.includes(wamid))).toBe(true);
  });
});
