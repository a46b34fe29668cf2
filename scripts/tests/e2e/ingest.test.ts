import { randomBytes } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { InboundMessageEventV1 } from '@wagw/contracts';
import { conversationGroupId, rawArchiveKey, sha256Hex } from '@wagw/core/ids';
import { metaSignatureHeader } from '@wagw/providers/meta/signature';
import { createLogger } from '@wagw/runtime/logger';
import { capturedLogs } from './support/capture-service-logs';
import { startE2eGateway } from './support/e2e-gateway';
import type { E2eGateway } from './support/e2e-gateway';
import { replayParkedWithCli } from './support/ops-tools';
import { waitFor } from '@wagw/local/wait-for';
import { metaMessagesWebhook, postMetaWebhook, postWhapiWebhook, whapiMessagesWebhook } from './support/webhook-builders';

// Every logger the services (and local mode) create writes into capturedLogs: the last test searches
// the whole run's output for secrets.
jest.mock('@wagw/runtime/logger', () => jest.requireActual('./support/capture-service-logs').loggerModuleWithCapture());

jest.setTimeout(60_000);

const CUSTOMER = '15550001111';

describe('local mode, end to end: webhooks into tenant databases (PGlite and PostgreSQL)', () => {
  let harness: E2eGateway;

  beforeAll(async () => {
    harness = await startE2eGateway({ logLevel: 'debug', logger: createLogger({ level: 'debug', base: { service: 'local-mode' } }) });
  }, 90_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  const waitForIdleInboundQueue = (): Promise<true> =>
    waitFor(
      async () => {
        const depth = await harness.inspector.queueDepth(harness.gateway.queueUrls['inbound-events']);
        return depth.visible === 0 && depth.inFlight === 0 ? true : undefined;
      },
      { what: 'inbound-events.fifo to be drained' },
    );

  const metaKey = (channelId: string, providerMessageId: string) => ({ provider: 'meta' as const, channelId, providerMessageId });

  it('writes exactly one row when the same signed webhook is delivered twice', async () => {
    // Prepare
    const { config, gateway, rows } = harness;
    const number = config.pgliteNumber;
    const body = metaMessagesWebhook([
      { phoneNumberId: number.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-DUP-0001', type: 'text', text: 'Hello twice' },
    ]);

    // Act
    const first = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });
    const second = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert
    expect([first.status, second.status]).toEqual([200, 200]);
    const row = await rows.waitForRow(number.tenantId, metaKey(number.phoneNumberId, 'wamid.E2E-DUP-0001'));
    expect(row).toMatchObject({ type: 'text', body: 'Hello twice', fromId: CUSTOMER, mediaStatus: 'none' });
    await waitForIdleInboundQueue();
    const matching = (await rows.list(number.tenantId)).filter((candidate) => candidate.providerMessageId === 'wamid.E2E-DUP-0001');
    expect(matching).toHaveLength(1);
  });

  it('keeps one row when the queue delivers an already written message again under a new deduplication id', async () => {
    // Prepare: a written message, and the same event as SQS would redeliver it after the dedup window
    const { config, gateway, inspector, rows } = harness;
    const number = config.postgresNumber;
    const body = metaMessagesWebhook([
      { phoneNumberId: number.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-REDELIVERED-0001', type: 'text', text: 'Hello again' },
    ]);
    expect((await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret })).status).toBe(200);
    const key = metaKey(number.phoneNumberId, 'wamid.E2E-REDELIVERED-0001');
    const written = await rows.waitForRow(number.tenantId, key);
    const event = InboundMessageEventV1.parse({
      schema: 'inbound-message.v1',
      tenantId: number.tenantId,
      provider: 'meta',
      channelId: number.phoneNumberId,
      providerMessageId: 'wamid.E2E-REDELIVERED-0001',
      contactId: CUSTOMER,
      item: written.raw,
      archiveKey: rawArchiveKey('meta', Buffer.from(body)),
      receivedAt: new Date().toISOString(),
    });
    await waitForIdleInboundQueue();
    const succeededBefore = gateway.pollers['inbound-writer'].counters.succeeded;

    // Act
    await inspector.sqs.send(
      new SendMessageCommand({
        QueueUrl: gateway.queueUrls['inbound-events'],
        MessageBody: JSON.stringify(event),
        MessageGroupId: conversationGroupId(number.tenantId, number.phoneNumberId, CUSTOMER),
        MessageDeduplicationId: 'e2e-redelivery-0001',
      }),
    );

    // Assert: the writer took it (acknowledged as a duplicate) and the row is still the only one
    await waitFor(async () => (gateway.pollers['inbound-writer'].counters.succeeded > succeededBefore ? true : undefined), {
      what: 'the writer to handle the redelivered event',
    });
    await waitForIdleInboundQueue();
    const matching = (await rows.list(number.tenantId)).filter((row) => row.providerMessageId === 'wamid.E2E-REDELIVERED-0001');
    expect(matching).toEqual([expect.objectContaining({ id: written.id, body: 'Hello again' })]);
  });

  it('writes each tenant row of one batched webhook into its own database and nowhere else', async () => {
    // Prepare
    const { config, gateway, rows } = harness;
    const pglite = config.pgliteNumber;
    const postgres = config.postgresNumber;
    const body = metaMessagesWebhook([
      { phoneNumberId: pglite.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-BATCH-PGLITE', type: 'text', text: 'For the PGlite tenant' },
      { phoneNumberId: postgres.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-BATCH-POSTGRES', type: 'text', text: 'For the PostgreSQL tenant' },
    ]);

    // Act
    const response = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert
    expect(response.status).toBe(200);
    const pgliteRow = await rows.waitForRow(pglite.tenantId, metaKey(pglite.phoneNumberId, 'wamid.E2E-BATCH-PGLITE'));
    const postgresRow = await rows.waitForRow(postgres.tenantId, metaKey(postgres.phoneNumberId, 'wamid.E2E-BATCH-POSTGRES'));
    expect(pgliteRow.body).toBe('For the PGlite tenant');
    expect(postgresRow.body).toBe('For the PostgreSQL tenant');
    const idsIn = async (tenantId: string) => (await rows.list(tenantId)).map((row) => row.providerMessageId);
    expect(await idsIn(pglite.tenantId)).not.toContain('wamid.E2E-BATCH-POSTGRES');
    expect(await idsIn(postgres.tenantId)).not.toContain('wamid.E2E-BATCH-PGLITE');
  });

  it('stores any message text exactly in both dialects, emoji and characters SQS refuses included', async () => {
    // Prepare
    const { config, gateway, rows } = harness;
    const text = 'Olá, ação 😀👍🏽 — 中文 \ufffe end';
    const body = metaMessagesWebhook([
      { phoneNumberId: config.pgliteNumber.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-UNICODE-PGLITE', type: 'text', text },
      { phoneNumberId: config.postgresNumber.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-UNICODE-POSTGRES', type: 'text', text },
    ]);

    // Act
    const response = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert
    expect(response.status).toBe(200);
    const pgliteRow = await rows.waitForRow(config.pgliteNumber.tenantId, metaKey(config.pgliteNumber.phoneNumberId, 'wamid.E2E-UNICODE-PGLITE'));
    const postgresRow = await rows.waitForRow(config.postgresNumber.tenantId, metaKey(config.postgresNumber.phoneNumberId, 'wamid.E2E-UNICODE-POSTGRES'));
    expect([pgliteRow.body, postgresRow.body]).toEqual([text, text]);
  });

  it('writes a Whapi message authenticated by its channel secret into its tenant database', async () => {
    // Prepare
    const { config, gateway, rows } = harness;
    const channel = config.whapiChannel;
    const body = whapiMessagesWebhook([{ channelId: channel.channelId, id: 'E2EWhapiMsg-0001', from: CUSTOMER, text: 'Hello via Whapi' }]);

    // Act
    const response = await postWhapiWebhook(gateway.url, channel.channelId, body, channel.webhookSecret);

    // Assert
    expect(response.status).toBe(200);
    const row = await rows.waitForRow(channel.tenantId, { provider: 'whapi', channelId: channel.channelId, providerMessageId: 'E2EWhapiMsg-0001' });
    expect(row).toMatchObject({ type: 'text', body: 'Hello via Whapi', fromId: CUSTOMER });
  });

  it('answers 401 to a forged signature and neither archives nor queues anything', async () => {
    // Prepare
    const { config, gateway, inspector, rows } = harness;
    const number = config.pgliteNumber;
    const body = metaMessagesWebhook([
      { phoneNumberId: number.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-FORGED-0001', type: 'text', text: 'Forged' },
    ]);
    const queues = [gateway.queueUrls['inbound-events'], gateway.queueUrls['status-events']];
    const idle = async () => {
      const depths = await Promise.all(queues.map((url) => inspector.queueDepth(url)));
      return depths.every((depth) => depth.visible === 0 && depth.inFlight === 0) ? true : undefined;
    };
    await waitFor(idle, { what: 'the queues to be idle before the forged webhook' });
    const receivedBefore = gateway.pollers['inbound-writer'].counters.received;
    const archivedBefore = await inspector.listKeys('raw/');

    // Act
    const forged = await postMetaWebhook(gateway.url, body, { header: metaSignatureHeader(body, 'not-the-app-secret') });
    const missing = await postMetaWebhook(gateway.url, body, 'unsigned');

    // Assert
    expect(forged.status).toBe(401);
    expect(missing.status).toBe(401);
    const archivedAfter = await inspector.listKeys('raw/');
    expect(archivedAfter).not.toContain(rawArchiveKey('meta', Buffer.from(body)));
    expect(archivedAfter).toEqual(archivedBefore);
    expect(await inspector.listKeys('parked/meta/')).toEqual([]);
    expect(await idle()).toBe(true);
    expect(gateway.pollers['inbound-writer'].counters.received).toBe(receivedBefore);
    expect(await rows.find(number.tenantId, metaKey(number.phoneNumberId, 'wamid.E2E-FORGED-0001'))).toBeUndefined();
  });

  it('parks a message for an unknown number and replays it into the right tenant once the number is onboarded', async () => {
    // Prepare
    const { config, gateway, inspector, rows } = harness;
    const newcomer = config.newMetaNumber(config.postgresNumber.tenantId, '100000000000009');
    const body = metaMessagesWebhook([
      { phoneNumberId: newcomer.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-PARKED-0001', type: 'text', text: 'Before onboarding' },
    ]);

    // Act: arrives before the number is onboarded
    const response = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert: acknowledged, parked, not written
    expect(response.status).toBe(200);
    const parked = await inspector.listKeys(`parked/meta/${newcomer.phoneNumberId}/`);
    expect(parked).toHaveLength(1);
    expect(await rows.find(newcomer.tenantId, metaKey(newcomer.phoneNumberId, 'wamid.E2E-PARKED-0001'))).toBeUndefined();

    // Act: onboard the number, then replay
    config.addMetaNumber(newcomer);
    await config.write();
    const replay = await replayParkedWithCli(gateway);

    // Assert: replayed into the tenant that now owns the number, and no longer parked
    expect(replay.exitCode).toBe(0);
    expect(replay.output).toContainEqual(expect.stringMatching(new RegExp(`^replayed .* → tenant ${newcomer.tenantId} \\(inbound-events\\)$`)));
    expect(replay.output.at(-1)).toBe('1 replayed');
    const row = await rows.waitForRow(newcomer.tenantId, metaKey(newcomer.phoneNumberId, 'wamid.E2E-PARKED-0001'));
    expect(row.body).toBe('Before onboarding');
    expect(await inspector.listKeys(`parked/meta/${newcomer.phoneNumberId}/`)).toEqual([]);
    const elsewhere = await rows.list(config.pgliteNumber.tenantId);
    expect(elsewhere.map((candidate) => candidate.providerMessageId)).not.toContain('wamid.E2E-PARKED-0001');
  });

  /** A JPEG-looking file of random content, so its sha256 is unique to this run. */
  const jpegBytes = (): Uint8Array => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096), Buffer.from([0xff, 0xd9])]);

  it('stores the media of an image message in S3 with its content type and sha256, and marks the row stored', async () => {
    // Prepare
    const { config, gateway, inspector, rows } = harness;
    const number = config.postgresNumber;
    const bytes = jpegBytes();
    gateway.sandbox.addMedia({ id: '500000000000101', mimeType: 'image/jpeg', bytes });
    const body = metaMessagesWebhook([
      { phoneNumberId: number.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-IMAGE-OK', type: 'image', mediaId: '500000000000101', caption: 'Receipt' },
    ]);

    // Act
    const response = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert
    expect(response.status).toBe(200);
    const row = await rows.waitForRow(number.tenantId, metaKey(number.phoneNumberId, 'wamid.E2E-IMAGE-OK'), (candidate) => candidate.mediaStatus !== 'pending');
    expect(row).toMatchObject({
      type: 'image',
      body: 'Receipt',
      mediaStatus: 'stored',
      mediaMimeType: 'image/jpeg',
      mediaSize: bytes.length,
      mediaSha256: sha256Hex(bytes),
      mediaError: null,
    });
    const stored = await inspector.getObject(row.mediaKey ?? '');
    expect(stored.contentType).toBe('image/jpeg');
    expect(sha256Hex(stored.bytes)).toBe(sha256Hex(bytes));
  });

  it('marks the row media failed with the reason when the provider answers 404 for the media id', async () => {
    // Prepare: a media id the sandbox does not know
    const { config, gateway, rows } = harness;
    const number = config.pgliteNumber;
    const body = metaMessagesWebhook([
      { phoneNumberId: number.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-IMAGE-404', type: 'image', mediaId: '500000000000404' },
    ]);

    // Act
    const response = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert: the message row stays, with the failure recorded on it
    expect(response.status).toBe(200);
    const row = await rows.waitForRow(number.tenantId, metaKey(number.phoneNumberId, 'wamid.E2E-IMAGE-404'), (candidate) => candidate.mediaStatus !== 'pending');
    expect(row).toMatchObject({ type: 'image', mediaStatus: 'failed', mediaKey: null });
    expect(row.mediaError).toMatch(/404|not found/i);
  });

  it('never writes a configured token or secret into any log line', async () => {
    // Prepare
    const { config, gateway, rows } = harness;
    const meta = config.pgliteNumber;
    const whapi = config.whapiChannel;
    const bytes = jpegBytes();
    gateway.sandbox.addMedia({ id: '500000000000202', mimeType: 'image/jpeg', bytes });
    const metaBody = metaMessagesWebhook([
      { phoneNumberId: meta.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-LOG-TEXT', type: 'text', text: 'Log me' },
      { phoneNumberId: meta.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-LOG-IMAGE', type: 'image', mediaId: '500000000000202' },
    ]);
    const whapiBody = whapiMessagesWebhook([{ channelId: whapi.channelId, id: 'E2EWhapiLog-0001', from: CUSTOMER, text: 'Log me too' }]);
    const handshake = new URL(`${gateway.url}/webhooks/meta`);
    handshake.search = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': config.metaApp.verifyToken, 'hub.challenge': '31337' }).toString();

    // Act: every path that handles a secret — handshake, signature, Whapi header, media download with the token
    const verified = await fetch(handshake);
    const metaResponse = await postMetaWebhook(gateway.url, metaBody, { appSecret: config.metaApp.appSecret });
    const whapiResponse = await postWhapiWebhook(gateway.url, whapi.channelId, whapiBody, whapi.webhookSecret);
    const wrongSecret = await postWhapiWebhook(gateway.url, whapi.channelId, whapiBody, `${whapi.webhookSecret}-wrong`);
    await rows.waitForRow(meta.tenantId, metaKey(meta.phoneNumberId, 'wamid.E2E-LOG-IMAGE'), (row) => row.mediaStatus === 'stored');
    await rows.waitForRow(whapi.tenantId, { provider: 'whapi', channelId: whapi.channelId, providerMessageId: 'E2EWhapiLog-0001' });

    // Assert
    expect([verified.status, await verified.text()]).toEqual([200, '31337']);
    expect([metaResponse.status, whapiResponse.status, wrongSecret.status]).toEqual([200, 200, 401]);
    expect(capturedLogs.lines.some((line) => line.includes('"service":"webhook-receiver"'))).toBe(true);
    expect(capturedLogs.lines.some((line) => line.includes('"service":"inbound-writer"'))).toBe(true);
    expect(capturedLogs.leaked(config.secrets())).toEqual([]);
  });
});
