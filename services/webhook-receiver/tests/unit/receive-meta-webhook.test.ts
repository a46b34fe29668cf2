import { readdirSync } from 'node:fs';
import { InboundMessageEventV1, ParkedEventV1, ReceiptEventV1 } from '@wagw/contracts';
import { CredentialsUnavailableError, SecretRecordInvalidError, TenantNotFoundError } from '@wagw/core/errors';
import { conversationGroupId, parkedEventKey, rawArchiveKey } from '@wagw/core/ids';
import { handleHttpRequest } from '../../src/http/handle-http-request';
import { httpEvent, responseJson, signedMetaPost } from '../support/http-events';
import { META_APP, OTHER_META_APP, metaChannel, receiverWorld } from '../support/receiver-fakes';
import type { ReceiverWorld } from '../support/receiver-fakes';
import { fixtureJson, fixtureText } from '../support/shared-fixtures';

type Json = Record<string, unknown>;

const RECEIVED_AT = '2025-10-09T12:00:00.000Z';
const PN_A = '100000000000001';
const PN_B = '100000000000002';
const PN_OTHER_APP = '100000000000003';
const PN_UNKNOWN = '100000000000999';

const text = (id: string, from: string, body = 'hi'): Json => ({ from, id, timestamp: '1760000000', type: 'text', text: { body } });
const status = (id: string, value: string, recipient = '15550001111'): Json => ({ id, status: value, timestamp: '1760000100', recipient_id: recipient });
const change = (phoneNumberId: string, value: Json): Json => ({
  field: 'messages',
  value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000001', phone_number_id: phoneNumberId }, ...value },
});
const envelope = (...entries: Json[][]): string =>
  JSON.stringify({ object: 'whatsapp_business_account', entry: entries.map((changes, index) => ({ id: `waba-${index}`, changes })) });

const bytes = (raw: string): Uint8Array => Buffer.from(raw, 'utf8');

const post = (world: ReceiverWorld, raw: string, secret = META_APP.appSecret) => handleHttpRequest(world.context, signedMetaPost(raw, secret));

const expectNothingStored = (world: ReceiverWorld): void => {
  expect(world.blobs.objects.size).toBe(0);
  expect(world.publisher.published).toEqual([]);
};

describe('POST /webhooks/meta with a valid signature', () => {
  it('archives the raw body and queues the message in its conversation group', async () => {
    // Prepare
    const world = receiverWorld();
    const raw = fixtureText('meta-webhook-text.json');

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toEqual({ status: 'ok', messages: 1, statuses: 0, parked: 0, echoesSkipped: 0, ignored: 0 });
    const archiveKey = rawArchiveKey('meta', bytes(raw));
    expect(world.blobs.keysUnder('')).toEqual([archiveKey]);
    expect(Buffer.from(world.blobs.objects.get(archiveKey)!.body).toString('utf8')).toBe(raw);
    const [message] = world.publisher.messagesOn('inbound-events');
    expect(message!.groupId).toBe(conversationGroupId('tenant-a', PN_A, '15550001111'));
    expect(message!.deduplicationId).toBe(`msg:meta:${PN_A}:wamid.TEST-IN-TEXT-0001`);
    const event = InboundMessageEventV1.parse(JSON.parse(message!.body));
    expect(event).toEqual({
      schema: 'inbound-message.v1',
      tenantId: 'tenant-a',
      provider: 'meta',
      channelId: PN_A,
      providerMessageId: 'wamid.TEST-IN-TEXT-0001',
      contactId: '15550001111',
      item: (fixtureJson('meta-webhook-text.json') as { entry: { changes: { value: { messages: Json[] } }[] }[] }).entry[0]!.changes[0]!.value.messages[0],
      contact: { profile: { name: 'Test User' }, wa_id: '15550001111' },
      archiveKey,
      receivedAt: RECEIVED_AT,
    });
    expect(world.publisher.messagesOn('status-events')).toEqual([]);
  });

  it('queues a status as a receipt with the status in its deduplication id', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('meta-webhook-status-failed.json'));

    expect(response.statusCode).toBe(200);
    const [message] = world.publisher.messagesOn('status-events');
    expect(message!.groupId).toBe(conversationGroupId('tenant-a', PN_A, '15550001111'));
    expect(message!.deduplicationId).toBe(`receipt:meta:${PN_A}:wamid.TEST-OUT-TEXT-0009:failed`);
    const receipt = ReceiptEventV1.parse(JSON.parse(message!.body));
    expect(receipt).toMatchObject({
      tenantId: 'tenant-a',
      providerMessageId: 'wamid.TEST-OUT-TEXT-0009',
      status: 'failed',
      occurredAt: '2025-10-09T09:00:00.000Z',
      recipientId: '15550001111',
      errors: [expect.objectContaining({ code: '131047', title: 'Re-engagement message' })],
    });
    expect(world.publisher.messagesOn('inbound-events')).toEqual([]);
  });

  const envelopeFixtures = readdirSync(`${__dirname}/../../../../../shared/fixtures`)
    .filter((name) => /^meta-webhook-.*\.json$/.test(name))
    .filter((name) => Array.isArray(fixtureJson(name).entry))
    .sort();

  it.each(envelopeFixtures)('accepts %s and queues every message and status in it', async (name) => {
    // Prepare
    const world = receiverWorld();
    const body = fixtureJson(name) as { entry: { changes: { field: string; value: Json }[] }[] };
    const values = body.entry.flatMap((entry) => entry.changes.filter((c) => c.field === 'messages').map((c) => c.value));
    const messageCount = values.reduce((sum, value) => sum + ((value.messages as unknown[] | undefined)?.length ?? 0), 0);
    const statusCount = values.reduce((sum, value) => sum + ((value.statuses as unknown[] | undefined)?.length ?? 0), 0);

    // Act
    const response = await post(world, fixtureText(name));

    // Assert
    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toMatchObject({ messages: messageCount, statuses: statusCount, parked: 0 });
    expect(world.publisher.messagesOn('inbound-events')).toHaveLength(messageCount);
    expect(world.publisher.messagesOn('status-events')).toHaveLength(statusCount);
    for (const event of world.publisher.bodiesOn('inbound-events')) expect(InboundMessageEventV1.safeParse(event).success).toBe(true);
    for (const event of world.publisher.bodiesOn('status-events')) expect(ReceiptEventV1.safeParse(event).success).toBe(true);
    expect(world.blobs.keysUnder('raw/meta/')).toHaveLength(1);
  });

  it('gives each event of a batched webhook the tenant that owns its number', async () => {
    // Prepare
    const world = receiverWorld();
    const raw = envelope([
      change(PN_A, { contacts: [{ wa_id: '111' }], messages: [text('wamid.A1', '111')] }),
      change(PN_B, { contacts: [{ wa_id: '111' }], messages: [text('wamid.B1', '111')], statuses: [status('wamid.B-OUT', 'read', '111')] }),
    ]);

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(200);
    const inbound = world.publisher.messagesOn('inbound-events');
    expect(inbound.map((message) => [JSON.parse(message.body).tenantId, JSON.parse(message.body).channelId, message.groupId])).toEqual([
      ['tenant-a', PN_A, conversationGroupId('tenant-a', PN_A, '111')],
      ['tenant-b', PN_B, conversationGroupId('tenant-b', PN_B, '111')],
    ]);
    expect(world.publisher.bodiesOn('status-events').map((event) => event.tenantId)).toEqual(['tenant-b']);
  });

  it('queues every entry, change, message and status, never only the first', async () => {
    const world = receiverWorld();
    const raw = envelope(
      [
        change(PN_A, { contacts: [{ wa_id: '1' }, { wa_id: '2' }], messages: [text('m1', '1'), text('m2', '2'), text('m3', '1')] }),
        change(PN_A, { statuses: [status('s1', 'sent'), status('s1', 'delivered'), status('s2', 'read')] }),
      ],
      [change(PN_B, { contacts: [{ wa_id: '3' }], messages: [text('m4', '3')] }), { field: 'account_update', value: { event: 'X' } }],
    );

    const response = await post(world, raw);

    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toEqual({ status: 'ok', messages: 4, statuses: 3, parked: 0, echoesSkipped: 0, ignored: 1 });
    expect(world.publisher.bodiesOn('inbound-events').map((event) => event.providerMessageId)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(world.publisher.messagesOn('status-events').map((message) => message.deduplicationId)).toEqual([
      `receipt:meta:${PN_A}:s1:sent`,
      `receipt:meta:${PN_A}:s1:delivered`,
      `receipt:meta:${PN_A}:s2:read`,
    ]);
  });

  it('queues a message repeated inside one body once', async () => {
    const world = receiverWorld();
    const raw = envelope([change(PN_A, { messages: [text('dup', '1'), text('dup', '1')] })]);

    const response = await post(world, raw);

    expect(responseJson(response)).toMatchObject({ messages: 1 });
    expect(world.publisher.messagesOn('inbound-events')).toHaveLength(1);
  });

  it('verifies and archives a body API Gateway delivered base64-encoded', async () => {
    const world = receiverWorld();
    const raw = fixtureText('meta-webhook-image.json');

    const response = await handleHttpRequest(world.context, signedMetaPost(raw, META_APP.appSecret, { base64: true }));

    expect(response.statusCode).toBe(200);
    expect(Buffer.from(world.blobs.objects.get(rawArchiveKey('meta', bytes(raw)))!.body).toString('utf8')).toBe(raw);
    expect(world.publisher.messagesOn('inbound-events')).toHaveLength(1);
  });

  it('verifies a \\u-escaped unicode body against the signature Meta sent', async () => {
    // Prepare
    const { app_secret: secret, vectors } = fixtureJson<{ app_secret: string; vectors: { name: string; raw_body: string; x_hub_signature_256: string }[] }>(
      'meta-webhook-signature-vectors.json',
    );
    const vector = vectors.find((candidate) => candidate.name.startsWith('non-ascii'))!;
    const world = receiverWorld({ metaApps: [{ ...META_APP, appSecret: secret }] });
    const event = httpEvent({ method: 'POST', path: '/webhooks/meta', body: vector.raw_body, headers: { 'X-Hub-Signature-256': vector.x_hub_signature_256 } });

    // Act
    const response = await handleHttpRequest(world.context, event);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(world.publisher.bodiesOn('inbound-events')[0]!.item).toMatchObject({ text: { body: 'café 😀' } });
    expect(Buffer.from(world.blobs.objects.get(rawArchiveKey('meta', bytes(vector.raw_body)))!.body).toString('utf8')).toBe(vector.raw_body);
  });

  it('parks the events of a number no tenant owns and queues the rest', async () => {
    // Prepare
    const world = receiverWorld();
    const raw = envelope([
      change(PN_UNKNOWN, { contacts: [{ wa_id: '9' }], messages: [text('wamid.U1', '9')], statuses: [status('wamid.U-OUT', 'delivered', '9')] }),
      change(PN_A, { messages: [text('wamid.A1', '1')] }),
    ]);

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toMatchObject({ messages: 1, statuses: 0, parked: 2 });
    expect(world.publisher.bodiesOn('inbound-events').map((event) => event.providerMessageId)).toEqual(['wamid.A1']);
    const messageKey = parkedEventKey('meta', PN_UNKNOWN, `msg:meta:${PN_UNKNOWN}:wamid.U1`, META_APP.appId);
    const receiptKey = parkedEventKey('meta', PN_UNKNOWN, `receipt:meta:${PN_UNKNOWN}:wamid.U-OUT:delivered`, META_APP.appId);
    expect(world.blobs.keysUnder('parked/')).toEqual([messageKey, receiptKey].sort());
    const parkedMessage = ParkedEventV1.parse(world.blobs.json(messageKey));
    expect(parkedMessage).toMatchObject({
      reason: 'unknown-channel',
      provider: 'meta',
      channelId: PN_UNKNOWN,
      queue: 'inbound-events',
      parkedAt: RECEIVED_AT,
      sequence: 0,
      signedByMetaAppIds: [META_APP.appId],
    });
    expect(parkedMessage.event).not.toHaveProperty('tenantId');
    expect(InboundMessageEventV1.safeParse({ ...parkedMessage.event, tenantId: 'later' }).success).toBe(true);
    expect(ParkedEventV1.parse(world.blobs.json(receiptKey))).toMatchObject({ queue: 'status-events', sequence: 1 });
    expect(world.logs).toContainEqual(expect.objectContaining({ msg: 'unknown meta number: event parked', channelId: PN_UNKNOWN }));
  });

  it('records where each parked event sat in its webhook body', async () => {
    // Prepare: one known event first, then two events of an unknown number.
    const world = receiverWorld();
    const raw = envelope([
      change(PN_A, { messages: [text('wamid.A1', '1')] }),
      change(PN_UNKNOWN, { messages: [text('wamid.U1', '9'), text('wamid.U2', '9')] }),
    ]);

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(200);
    const parked = world.blobs.keysUnder('parked/').map((key) => ParkedEventV1.parse(world.blobs.json(key)));
    expect(parked.map((event) => [event.event.providerMessageId, event.sequence]).sort()).toEqual([
      ['wamid.U1', 1],
      ['wamid.U2', 2],
    ]);
  });

  it('parks an unknown number with every app whose secret verifies the signature', async () => {
    // Prepare: two apps share one secret.
    const twin = { appId: 'app-twin', appSecret: META_APP.appSecret, verifyToken: 'twin-verify-token' };
    const world = receiverWorld({ metaApps: [META_APP, twin] });

    // Act
    const response = await post(world, envelope([change(PN_UNKNOWN, { messages: [text('wamid.U1', '9')] })]));

    // Assert
    expect(response.statusCode).toBe(200);
    const [key] = world.blobs.keysUnder('parked/');
    expect(key).toBe(parkedEventKey('meta', PN_UNKNOWN, `msg:meta:${PN_UNKNOWN}:wamid.U1`, 'app-gateway,app-twin'));
    expect(ParkedEventV1.parse(world.blobs.json(key!)).signedByMetaAppIds).toEqual([META_APP.appId, 'app-twin']);
  });

  it('keeps an event parked by one app when another app sends the same message id', async () => {
    // Prepare
    const world = receiverWorld();
    const genuine = envelope([change(PN_UNKNOWN, { messages: [text('wamid.U1', '9', 'genuine')] })]);
    const other = envelope([change(PN_UNKNOWN, { messages: [text('wamid.U1', '9', 'other')] })]);
    await post(world, genuine);

    // Act
    const response = await post(world, other, OTHER_META_APP.appSecret);

    // Assert
    expect(response.statusCode).toBe(200);
    const genuineKey = parkedEventKey('meta', PN_UNKNOWN, `msg:meta:${PN_UNKNOWN}:wamid.U1`, META_APP.appId);
    expect(world.blobs.keysUnder('parked/')).toHaveLength(2);
    expect(ParkedEventV1.parse(world.blobs.json(genuineKey)).event.item).toMatchObject({ text: { body: 'genuine' } });
  });

  it.each([
    ['a broken secret record', new SecretRecordInvalidError('wagw/tenants/tenant-b', 'database.url: Invalid input')],
    ['a missing tenant', new TenantNotFoundError('tenant-b')],
  ])("parks the events of a number with %s and still queues the other tenants' events", async (_name, refusal) => {
    // Prepare
    const world = receiverWorld();
    const resolve = world.credentials.resolveChannel.bind(world.credentials);
    world.credentials.resolveChannel = (provider, channelId) => (channelId === PN_B ? Promise.reject(refusal) : resolve(provider, channelId));
    const raw = envelope([change(PN_A, { messages: [text('wamid.A1', '1')] }), change(PN_B, { messages: [text('wamid.B1', '2')] })]);

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toMatchObject({ messages: 1, parked: 1 });
    expect(world.publisher.bodiesOn('inbound-events')).toEqual([expect.objectContaining({ tenantId: 'tenant-a', providerMessageId: 'wamid.A1' })]);
    const key = parkedEventKey('meta', PN_B, `msg:meta:${PN_B}:wamid.B1`, META_APP.appId);
    expect(ParkedEventV1.parse(world.blobs.json(key))).toMatchObject({ reason: 'channel-record-invalid', channelId: PN_B, signedByMetaAppIds: [META_APP.appId] });
    expect(world.logs).toContainEqual(expect.objectContaining({ msg: 'meta number has an unusable channel record', phoneNumberId: PN_B, code: refusal.code }));
  });

  it('accepts a number of an app that shares its secret with an app listed before it', async () => {
    // Prepare
    const twin = { appId: 'app-twin', appSecret: META_APP.appSecret, verifyToken: 'twin-verify-token' };
    const world = receiverWorld({ metaApps: [META_APP, twin], channels: [metaChannel('tenant-t', PN_A, twin.appId)] });

    // Act
    const response = await post(world, envelope([change(PN_A, { messages: [text('wamid.T1', '1')] })]));

    // Assert
    expect(response.statusCode).toBe(200);
    expect(world.publisher.bodiesOn('inbound-events')).toEqual([expect.objectContaining({ tenantId: 'tenant-t' })]);
  });

  it('logs value.errors at warn with the tenant and the codes', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('meta-webhook-errors.json'));

    expect(response.statusCode).toBe(200);
    expect(world.logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'meta webhook errors', tenantId: 'tenant-a', codes: ['130429'] }));
    expect(world.blobs.keysUnder('raw/meta/')).toHaveLength(1);
  });

  it('acknowledges and archives a non-messages field without queueing anything', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('meta-webhook-non-messages-field.json'));

    expect(response.statusCode).toBe(200);
    expect(responseJson(response)).toMatchObject({ messages: 0, statuses: 0, ignored: 1 });
    expect(world.blobs.keysUnder('raw/meta/')).toHaveLength(1);
    expect(world.publisher.published).toEqual([]);
    expect(world.logs).toContainEqual(expect.objectContaining({ msg: 'meta webhook field acknowledged', field: 'message_template_status_update' }));
  });
});

describe('POST /webhooks/meta refusals', () => {
  it('refuses a body signed with an unknown secret with 401 and stores nothing', async () => {
    const world = receiverWorld();

    const response = await post(world, fixtureText('meta-webhook-text.json'), 'forged-secret');

    expect(response.statusCode).toBe(401);
    expect(responseJson(response)).toEqual({ error: { code: 'SIGNATURE_INVALID', message: 'signature missing or invalid' } });
    expectNothingStored(world);
    expect(world.credentials.calls).toEqual(['listMetaApps']);
  });

  it('refuses a body without signature with 401 and stores nothing', async () => {
    const world = receiverWorld();

    const response = await handleHttpRequest(world.context, httpEvent({ method: 'POST', path: '/webhooks/meta', body: fixtureText('meta-webhook-text.json') }));

    expect(response.statusCode).toBe(401);
    expectNothingStored(world);
  });

  it('refuses a body altered after signing with 401', async () => {
    const world = receiverWorld();
    const event = signedMetaPost(fixtureText('meta-webhook-text.json'), META_APP.appSecret);
    event.body = event.body!.replace('shop', 'shoP');

    const response = await handleHttpRequest(world.context, event);

    expect(response.statusCode).toBe(401);
    expectNothingStored(world);
  });

  it('archives malformed JSON with a valid signature and answers 400', async () => {
    const world = receiverWorld();
    const raw = '{"object":"whatsapp_business_account","entry":[';

    const response = await post(world, raw);

    expect(response.statusCode).toBe(400);
    expect(responseJson(response)).toEqual({ error: { code: 'WEBHOOK_MALFORMED', message: 'body is not valid JSON' } });
    expect(world.blobs.keysUnder('')).toEqual([rawArchiveKey('meta', bytes(raw))]);
    expect(world.publisher.published).toEqual([]);
  });

  it('archives JSON that is no envelope and says why', async () => {
    const world = receiverWorld();

    const response = await post(world, '{"hello":"world"}');

    expect(response.statusCode).toBe(400);
    expect(responseJson(response)).toMatchObject({ error: { code: 'WEBHOOK_MALFORMED', message: expect.stringContaining('not a Meta webhook envelope') } });
    expect(world.blobs.keysUnder('raw/meta/')).toHaveLength(1);
  });

  it('answers 503 when a malformed body cannot be archived', async () => {
    const world = receiverWorld();
    world.blobs.failPutsUnder = 'raw/';

    const response = await post(world, 'not json');

    expect(response.statusCode).toBe(503);
  });

  it('refuses with 403 a number owned under another app than the signing one, queueing nothing', async () => {
    // Prepare: tenant-c's number belongs to the tenant's own app, the body is signed by the gateway app.
    const world = receiverWorld();
    const raw = envelope([change(PN_A, { messages: [text('wamid.A1', '1')] }), change(PN_OTHER_APP, { messages: [text('wamid.C1', '1')] })]);

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(403);
    expect(responseJson(response)).toMatchObject({ error: { code: 'CHANNEL_APP_MISMATCH', message: expect.stringContaining(PN_OTHER_APP) } });
    expectNothingStored(world);
  });

  it('accepts that number when its own app signed', async () => {
    const world = receiverWorld();

    const response = await post(world, envelope([change(PN_OTHER_APP, { messages: [text('wamid.C1', '1')] })]), OTHER_META_APP.appSecret);

    expect(response.statusCode).toBe(200);
    expect(world.publisher.bodiesOn('inbound-events')[0]).toMatchObject({ tenantId: 'tenant-c' });
  });

  it('answers 413 to a body over the limit before anything else', async () => {
    const world = receiverWorld({ maxBodyBytes: 1024 });
    const raw = envelope([change(PN_A, { messages: [text('big', '1', 'x'.repeat(2000))] })]);

    const response = await post(world, raw);

    expect(response.statusCode).toBe(413);
    expect(world.credentials.calls).toEqual([]);
    expectNothingStored(world);
  });
});

describe('POST /webhooks/meta when storage fails', () => {
  it('answers 503 and publishes nothing when the archive fails', async () => {
    const world = receiverWorld();
    world.blobs.failPutsUnder = 'raw/';

    const response = await post(world, fixtureText('meta-webhook-text.json'));

    expect(response.statusCode).toBe(503);
    expect(responseJson(response)).toEqual({
      error: { code: 'WEBHOOK_NOT_STORED', message: 'the webhook could not be stored now; deliver it again later' },
    });
    expect(world.publisher.published).toEqual([]);
  });

  it('answers 503 when publishing fails, so the provider delivers again', async () => {
    const world = receiverWorld();
    world.publisher.failWith = new Error('SQS throttled: secret-looking detail');

    const response = await post(world, fixtureText('meta-webhook-text.json'));

    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('secret-looking detail');
    expect(world.logs).toContainEqual(expect.objectContaining({ level: 50, msg: 'webhook not stored: the provider will retry' }));
  });

  it('answers 503 when parking fails', async () => {
    const world = receiverWorld();
    world.blobs.failPutsUnder = 'parked/';

    const response = await post(world, envelope([change(PN_UNKNOWN, { messages: [text('u', '1')] })]));

    expect(response.statusCode).toBe(503);
  });

  it('answers 503 when the credentials broker is unavailable', async () => {
    const world = receiverWorld();
    world.credentials.unavailable = true;

    const response = await post(world, fixtureText('meta-webhook-text.json'));

    expect(response.statusCode).toBe(503);
    expectNothingStored(world);
  });

  it('answers 503 and stores nothing when the broker cannot resolve one number for now', async () => {
    // Prepare
    const world = receiverWorld();
    const resolve = world.credentials.resolveChannel.bind(world.credentials);
    world.credentials.resolveChannel = (provider, channelId) =>
      channelId === PN_B ? Promise.reject(new CredentialsUnavailableError('broker throttled')) : resolve(provider, channelId);
    const raw = envelope([change(PN_A, { messages: [text('wamid.A1', '1')] }), change(PN_B, { messages: [text('wamid.B1', '2')] })]);

    // Act
    const response = await post(world, raw);

    // Assert
    expect(response.statusCode).toBe(503);
    expectNothingStored(world);
  });

  it('answers 500 with a generic message to an unexpected exception and logs its stack', async () => {
    const world = receiverWorld();
    world.credentials.resolveChannel = () => Promise.reject(new TypeError('cannot read properties of undefined (reading x)'));

    const response = await post(world, fixtureText('meta-webhook-text.json'));

    expect(response.statusCode).toBe(500);
    expect(responseJson(response)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    const logged = world.logs.find((line) => line.msg === 'webhook failed unexpectedly') as { err: { stack: string } } | undefined;
    expect(logged?.err.stack).toContain('TypeError');
  });
});

describe('POST /webhooks/meta logging', () => {
  it('never logs the app secret or the signature', async () => {
    const world = receiverWorld();
    const event = signedMetaPost(fixtureText('meta-webhook-text.json'), META_APP.appSecret);
    world.publisher.failWith = new Error('down');

    await handleHttpRequest(world.context, event);
    await post(world, fixtureText('meta-webhook-text.json'), 'forged');

    const everything = world.rawLogs.join('\n');
    expect(world.rawLogs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(META_APP.appSecret);
    expect(everything).not.toContain(event.headers['x-hub-signature-256']!.slice('sha256='.length));
  });
});
