import { randomBytes } from 'node:crypto';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsQueueReader } from '@wagw/aws/sqs-queue-reader';
import type { MetaChannelV1, OutboundMessageEventV1, WhapiChannelV1 } from '@wagw/contracts';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import type { GatewayResources } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { startProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { ProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { loadConfig } from '../../src/config';
import { createDependencies } from '../../src/dependencies';
import { createOutboundRecordProcessor } from '../../src/process-outbound-record';
import { capturingLogger } from '../support/fakes';
import { InProcessBroker } from '../support/in-process-broker';
import { OutboundQueueDriver } from '../support/outbound-queue-driver';

jest.setTimeout(120_000);

type SQSClient = ReturnType<typeof createSqsClient>;
type S3Client = ReturnType<typeof createS3Client>;

const TENANT = 'tenant-a';
const META_PHONE = '100000000000001';
const WHAPI_CHANNEL = 'SANDBOX-WHAPI-1';
const META_TOKEN = 'EAAG-sandbox-meta-token';
const STALE_META_TOKEN = 'EAAG-stale-meta-token';
const WHAPI_TOKEN = 'whapi-sandbox-token';
const USER = '15550001111';
const SEND_TIMEOUT_MS = 1_000;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);

let rowSequence = 100;
const anEvent = (provider: 'meta' | 'whapi', message: Record<string, unknown>, toId = USER): OutboundMessageEventV1 => {
  rowSequence += 1;
  return {
    schema: 'outbound-message.v1',
    tenantId: TENANT,
    rowId: String(rowSequence),
    attempt: 1,
    provider,
    channelId: provider === 'meta' ? META_PHONE : WHAPI_CHANNEL,
    toId,
    message,
    leaseExpiresAt: new Date(Date.now() + 600_000).toISOString(),
    queuedAt: new Date().toISOString(),
  };
};

describe('message-sender against fauxqs, S3 and the provider sandbox', () => {
  let emulator: RunningEmulator;
  let sandbox: ProviderSandbox;
  let sqs: SQSClient;
  let s3: S3Client;
  let resources: GatewayResources;
  let driver: OutboundQueueDriver;

  const metaChannel = (token: string): MetaChannelV1 => ({
    provider: 'meta',
    channelId: META_PHONE,
    wabaId: 'waba-1',
    metaAppId: 'app-1',
    accessToken: token,
    graphBaseUrl: sandbox.url,
    graphVersion: 'v24.0',
  });
  const whapiChannel = (): WhapiChannelV1 => ({
    provider: 'whapi',
    channelId: WHAPI_CHANNEL,
    apiToken: WHAPI_TOKEN,
    webhookSecret: 'whsec-sandbox',
    baseUrl: sandbox.url,
  });

  /** A fresh sender (fresh credential cache) whose broker serves these Meta records one after another. */
  const useSender = (...metaRecords: MetaChannelV1[]) => {
    const broker = new InProcessBroker()
      .serve(TENANT, ...(metaRecords.length > 0 ? metaRecords : [metaChannel(META_TOKEN)]))
      .serve(TENANT, whapiChannel())
      .serve('tenant-b', { ...metaChannel(META_TOKEN), channelId: '200000000000002' });
    const config = loadConfig({
      STATUS_EVENTS_QUEUE_URL: resources.queueUrls['status-events'],
      OUTBOUND_MESSAGES_QUEUE_URL: resources.queueUrls['outbound-messages'],
      BUCKET_NAME: resources.bucket,
      CREDENTIALS_BROKER_FUNCTION: 'in-process',
      AWS_ENDPOINT_URL: emulator.endpoint,
      SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
      RETRY_BASE_SECONDS: '1',
      RETRY_MAX_SECONDS: '1',
    });
    const dependencies = createDependencies(config, { brokerTransport: broker });
    const { logger, text } = capturingLogger();
    const handler = createFifoBatchHandler(createOutboundRecordProcessor(dependencies), { logger, retryBackoff: dependencies.retryBackoff });
    driver = new OutboundQueueDriver(new SqsQueueReader(sqs), resources.queueUrls['outbound-messages'], resources.queueUrls['status-events'], handler);
    return { logText: text };
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    s3 = createS3Client({ endpoint: emulator.endpoint });
    resources = await createGatewayResources({ sqs, s3, bucket: 'sender-test', namePrefix: `sender-${randomBytes(4).toString('hex')}-` });
    sandbox = await startProviderSandbox({ tokens: { meta: [META_TOKEN], whapi: [WHAPI_TOKEN] }, whapiChannels: () => ({ [WHAPI_TOKEN]: WHAPI_CHANNEL }) });
  });

  afterAll(async () => {
    await sandbox.close();
    sqs.destroy();
    s3.destroy();
    await emulator.stop();
  });

  afterEach(() => {
    sandbox.clearFaults();
  });

  it.each(['meta', 'whapi'] as const)('sends a text through %s and publishes the sent result with the provider message id', async (provider) => {
    // Prepare
    useSender();
    const event = anEvent(provider, { type: 'text', text: { body: `hello through ${provider}` } });
    const sentBefore = sandbox.sent.length;
    await driver.enqueue(event);

    // Act
    const { messages, response } = await driver.deliver();

    // Assert
    expect(messages).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([]);
    const accepted = sandbox.sent.slice(sentBefore);
    expect(accepted).toEqual([expect.objectContaining({ provider, channelId: event.channelId, type: 'text' })]);
    const [result] = await driver.sendResults(1);
    expect(result).toMatchObject({
      schema: 'send-result.v1',
      tenantId: TENANT,
      provider,
      channelId: event.channelId,
      contactId: USER,
      rowId: event.rowId,
      attempt: 1,
      outcome: { status: 'sent', providerMessageId: accepted[0]?.providerMessageId },
    });
  });

  it.each(['meta', 'whapi'] as const)('uploads an s3_key image to %s first and sends it by the uploaded media id', async (provider) => {
    // Prepare
    useSender();
    const key = `outbound/${TENANT}/${provider}-photo.jpg`;
    await new S3BlobStore(s3, resources.bucket).put(key, JPEG, { contentType: 'image/jpeg' });
    const event = anEvent(provider, { type: 'image', image: { s3_key: key, caption: 'receipt' } });
    const [uploadsBefore, sentBefore] = [sandbox.uploads.length, sandbox.sent.length];
    await driver.enqueue(event);

    // Act
    const { response } = await driver.deliver();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const uploads = sandbox.uploads.slice(uploadsBefore);
    expect(uploads).toEqual([expect.objectContaining({ provider, mimeType: 'image/jpeg', size: JPEG.byteLength })]);
    const sent = sandbox.sent.slice(sentBefore);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.body)).toContain(uploads[0]?.mediaId ?? 'no upload');
    expect(JSON.stringify(sent[0]?.body)).not.toContain('s3_key');
    expect((await driver.sendResults(1))[0]?.outcome).toMatchObject({ status: 'sent', providerMessageId: sent[0]?.providerMessageId });
  });

  it('refuses an s3_key image over the 5 MiB image limit without uploading it', async () => {
    // Prepare
    useSender();
    const key = `outbound/${TENANT}/too-big.jpg`;
    await new S3BlobStore(s3, resources.bucket).put(key, new Uint8Array(5 * 1024 * 1024 + 1), { contentType: 'image/jpeg' });
    const event = anEvent('meta', { type: 'image', image: { s3_key: key } });
    const requestsBefore = sandbox.requests.length;
    await driver.enqueue(event);

    // Act
    const { response } = await driver.deliver();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(sandbox.requests.length).toBe(requestsBefore);
    expect((await driver.sendResults(1))[0]).toMatchObject({ rowId: event.rowId, outcome: { status: 'failed', code: 'MEDIA_TOO_LARGE' } });
  });

  it('records a permanent refusal (131047) as failed with the provider code, and acknowledges the record', async () => {
    // Prepare
    useSender();
    sandbox.injectFault({ route: 'meta-send', graphErrorCode: 131047, times: 1 });
    const event = anEvent('meta', { type: 'text', text: { body: 'are you there?' } });
    await driver.enqueue(event);

    // Act
    const { response } = await driver.deliver();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const [result] = await driver.sendResults(1);
    expect(result).toMatchObject({ rowId: event.rowId, outcome: { status: 'failed', code: '131047' } });
    expect((await driver.deliver()).messages).toEqual([]);
  });

  it('refreshes an expired token once and sends with the rotated one', async () => {
    // Prepare: the broker first serves a token the sandbox refuses (190), then the valid one
    useSender(metaChannel(STALE_META_TOKEN), metaChannel(META_TOKEN));
    const event = anEvent('meta', { type: 'text', text: { body: 'after rotation' } });
    const sentBefore = sandbox.sent.length;
    await driver.enqueue(event);

    // Act
    const { response } = await driver.deliver();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(sandbox.sent.slice(sentBefore)).toHaveLength(1);
    expect((await driver.sendResults(1))[0]?.outcome).toMatchObject({ status: 'sent' });
  });

  it('records failed with the provider code when the token is still refused after the refresh', async () => {
    // Prepare
    useSender(metaChannel(STALE_META_TOKEN));
    await driver.enqueue(anEvent('meta', { type: 'text', text: { body: 'never' } }));

    // Act
    const { response } = await driver.deliver();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect((await driver.sendResults(1))[0]?.outcome).toMatchObject({ status: 'failed', code: '190' });
  });

  it.each([
    ['meta', { route: 'meta-send', graphErrorCode: 130429, times: 1 }],
    ['whapi', { route: 'whapi-send', whapiStatus: 429, times: 1 }],
  ] as const)('fails a %s send answered 429, hides it for the backoff, and sends it on the next delivery', async (provider, fault) => {
    // Prepare
    useSender();
    sandbox.injectFault(fault);
    const event = anEvent(provider, { type: 'text', text: { body: 'rate limited once' } });
    const sentBefore = sandbox.sent.length;
    await driver.enqueue(event);

    // Act: received hidden for 10 minutes; only the backoff's ChangeMessageVisibility (1 s) brings it back
    const first = await driver.deliver({ visibilitySeconds: 600 });
    const second = await driver.deliver({ visibilitySeconds: 600, waitSeconds: 10 });

    // Assert
    expect(first.response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual([first.messages[0]?.messageId]);
    expect(second.messages.map((message) => message.receiveCount)).toEqual([2]);
    expect(second.response.batchItemFailures).toEqual([]);
    expect(sandbox.sent.slice(sentBefore)).toHaveLength(1);
    const results = await driver.sendResults(1);
    expect(results.map((result) => [result.rowId, result.outcome.status])).toEqual([[event.rowId, 'sent']]);
  });

  it('records a send the provider took but never answered as unknown, and never sends it again', async () => {
    // Prepare
    useSender();
    sandbox.injectFault({ route: 'meta-send', acceptThenDelayMs: 3 * SEND_TIMEOUT_MS, times: 1 });
    const event = anEvent('meta', { type: 'text', text: { body: 'ambiguous' } });
    const sentBefore = sandbox.sent.length;
    await driver.enqueue(event);

    // Act
    const { response } = await driver.deliver();

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const [result] = await driver.sendResults(1);
    expect(result).toMatchObject({ rowId: event.rowId, outcome: { status: 'unknown', code: 'SEND_OUTCOME_UNKNOWN' } });
    expect((await driver.deliver({ waitSeconds: 2 })).messages).toEqual([]);
    expect(sandbox.sent.slice(sentBefore)).toHaveLength(1);
  });

  it('refuses a channel of another tenant without calling the provider', async () => {
    // Prepare
    useSender();
    const event = { ...anEvent('meta', { type: 'text', text: { body: 'not yours' } }), channelId: '200000000000002' };
    const requestsBefore = sandbox.requests.length;
    await driver.enqueue(event);

    // Act
    await driver.deliver();

    // Assert
    expect(sandbox.requests.length).toBe(requestsBefore);
    expect((await driver.sendResults(1))[0]).toMatchObject({ channelId: '200000000000002', outcome: { status: 'failed', code: 'CHANNEL_NOT_OWNED' } });
  });

  it('never writes a token to its log', async () => {
    // Prepare
    const { logText } = useSender(metaChannel(STALE_META_TOKEN), metaChannel(META_TOKEN));
    await driver.enqueue(anEvent('meta', { type: 'text', text: { body: 'log check' } }));

    // Act
    await driver.deliver();
    await driver.sendResults(1);

    // Assert
    expect(logText()).toContain('message sent');
    for (const token of [META_TOKEN, STALE_META_TOKEN, WHAPI_TOKEN]) expect(logText()).not.toContain(token);
  });
});
