import { capturedLogs } from './support/capture-service-logs';
import { startE2eGateway } from './support/e2e-gateway';
import type { E2eGateway } from './support/e2e-gateway';
import type { TestMetaNumber, TestWhapiChannel } from './support/gateway-test-config';
import { outboundWithCli, sendWithCli } from './support/ops-tools';
import { auditSends, markerOf, stageTextRows, textMessage, waitForRows } from './support/outbound-traffic';
import type { Conversation, StagedRow } from './support/outbound-traffic';

// Every logger the services (and local mode) create writes into capturedLogs: the last test searches
// the whole run's output for tokens and secrets.
jest.mock('@wagw/runtime/logger', () => jest.requireActual('./support/capture-service-logs').loggerModuleWithCapture());

jest.setTimeout(300_000);

const RECIPIENTS_PER_CHANNEL = 4;
/**
 * The fault test spreads its rows thinner: a FIFO batch holds up to 10 messages of one conversation,
 * and a failed send fails the rest of its group in the batch too, so every message behind it is
 * received once more; shallow conversations keep those extra receives far from maxReceiveCount.
 */
const FAULT_RECIPIENTS_PER_CHANNEL = 12;

describe('local mode, end to end: outbound rows sent once, in order, and followed to read', () => {
  let harness: E2eGateway;
  let thirdNumber: TestMetaNumber;
  let thirdWhapi: TestWhapiChannel;
  let conversations: Conversation[];
  let faultConversations: Conversation[];

  beforeAll(async () => {
    harness = await startE2eGateway({
      // A third tenant on its own PostgreSQL database, with a Meta number and a Whapi channel.
      prepare: async (config, { databaseName, createPostgresDatabase }) => {
        const url = await createPostgresDatabase(databaseName('wagw_e2e_third'));
        thirdNumber = config.newMetaNumber('third-tenant', '100000000000004');
        thirdWhapi = config.newWhapiChannel('third-tenant', 'TESTCH-E2E03');
        config.addTenant('third-tenant', { engine: 'postgres', url, poolMax: 4 }, [thirdNumber], [thirdWhapi]);
      },
      // Retryable provider errors come back within seconds instead of minutes. A shorter lease (still
      // far above the time 1,000 rows take to drain) lets the reaper recover a row whose queue message
      // was dead-lettered within the test's time rather than after ten minutes.
      environment: { RETRY_BASE_SECONDS: '1', RETRY_MAX_SECONDS: '2', OUTBOUND_LEASE_SECONDS: '240', SEND_TIMEOUT_MS: '5000' },
      sandboxSeed: 20261123,
      // Every service logs its per-message lines, so the last test searches real output.
      logLevel: 'info',
    });
    const { config } = harness;
    const channels: Omit<Conversation, 'toId'>[] = [
      { tenantId: config.pgliteNumber.tenantId, provider: 'meta', channelId: config.pgliteNumber.phoneNumberId },
      { tenantId: config.whapiChannel.tenantId, provider: 'whapi', channelId: config.whapiChannel.channelId },
      { tenantId: config.postgresNumber.tenantId, provider: 'meta', channelId: config.postgresNumber.phoneNumberId },
      { tenantId: 'third-tenant', provider: 'meta', channelId: thirdNumber.phoneNumberId },
      { tenantId: 'third-tenant', provider: 'whapi', channelId: thirdWhapi.channelId },
    ];
    const recipients = (count: number, prefix: string): Conversation[] =>
      channels.flatMap((channel, channelIndex) =>
        Array.from({ length: count }, (_, recipient) => ({ ...channel, toId: `1555${channelIndex}${prefix}${String(recipient).padStart(4, '0')}` })),
      );
    conversations = recipients(RECIPIENTS_PER_CHANNEL, '00');
    faultConversations = recipients(FAULT_RECIPIENTS_PER_CHANNEL, '01');
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  afterEach(() => {
    harness.gateway.sandbox.clearFaults();
    harness.gateway.configureStatusWebhooks({});
  });

  const isRead = (row: { status: string }): boolean => row.status === 'read';

  const expectSentOnceInOrder = (staged: readonly StagedRow[]): void => {
    const audit = auditSends(harness.gateway.sandbox.sent, staged);
    expect(audit.missing).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    expect(audit.wrongChannel).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
  };

  it('sends 1,000 rows of 3 tenants (Meta and Whapi, 20 conversations) exactly once each, in row order per conversation, and every row ends read', async () => {
    // Prepare
    const { rows } = harness;

    // Act
    const staged = await stageTextRows(rows, conversations, 1000, 'BULK');
    const finalRows = await waitForRows(rows, staged, isRead, 240_000);

    // Assert
    expect(finalRows).toHaveLength(1000);
    expect(new Set(staged.map((row) => row.tenantId))).toEqual(new Set(['pglite-tenant', 'postgres-tenant', 'third-tenant']));
    for (const row of finalRows) {
      expect(row).toMatchObject({ status: 'read', attempts: 1, errorCode: null, reservedUntil: null });
      expect(row.providerMessageId).toEqual(expect.any(String));
      // queued_at is not asserted: a send result that lands before the collector's markQueued takes
      // the row from 'pending' straight to 'sent', and queued_at stays NULL (reported to the lead).
      expect([row.sentAt, row.deliveredAt, row.readAt].every((at) => at instanceof Date)).toBe(true);
    }
    expectSentOnceInOrder(staged);
  });

  it('reaches the same end state with 20 % of sends answered 429, 130429 or 5xx, without sending any row twice', async () => {
    // Prepare: each fault on about a tenth of the matching requests, two per route (≈ 20 % in all)
    const { gateway, rows } = harness;
    gateway.sandbox.injectFault({ route: 'meta-send', graphErrorCode: 130429, probability: 0.1 });
    gateway.sandbox.injectFault({ route: 'meta-send', status: 503, probability: 0.1 });
    gateway.sandbox.injectFault({ route: 'whapi-send', whapiStatus: 429, probability: 0.1 });
    gateway.sandbox.injectFault({ route: 'whapi-send', whapiStatus: 502, probability: 0.1 });
    const sendRequests = (): number => gateway.sandbox.requests.filter((request) => request.route === 'meta-send' || request.route === 'whapi-send').length;
    const [requestsBefore, acceptedBefore, failedRecordsBefore] = [sendRequests(), gateway.sandbox.sent.length, gateway.pollers['message-sender'].counters.failed];

    // Act (rarely the wait is long: a dead-lettered message's row is sent again once its lease ends)
    const staged = await stageTextRows(rows, faultConversations, 300, 'FAULTS');
    const finalRows = await waitForRows(rows, staged, isRead, 420_000);

    // Assert: each row accepted exactly once, on its channel. (Order is not asserted here: a message
    // that exhausted its receives is dead-lettered and its row re-sent by the reaper, later.)
    expect(finalRows.every(isRead)).toBe(true);
    const audit = auditSends(gateway.sandbox.sent, staged);
    expect(audit.missing).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    expect(audit.wrongChannel).toEqual([]);
    // The faults did happen: more send requests than accepted sends, and retried records.
    const rejected = sendRequests() - requestsBefore - (gateway.sandbox.sent.length - acceptedBefore);
    expect(rejected).toBeGreaterThan(0);
    expect(gateway.pollers['message-sender'].counters.failed).toBeGreaterThan(failedRecordsBefore);
  }, 480_000);

  it('ends every row read, with each status recorded once, when receipts arrive shuffled and duplicated', async () => {
    // Prepare
    const { gateway, rows } = harness;
    gateway.configureStatusWebhooks({ shuffle: true, duplicateProbability: 0.5 });

    // Act
    const staged = await stageTextRows(rows, conversations, 200, 'SHUFFLED');
    const finalRows = await waitForRows(rows, staged, isRead, 180_000);
    await gateway.sandbox.whenWebhooksIdle();

    // Assert: still read after the last (possibly late 'sent' or 'delivered') receipt was posted and saved
    await waitForRows(rows, staged, isRead, 60_000);
    expect(finalRows.every((row) => row.sentAt !== null && row.deliveredAt !== null && row.readAt !== null)).toBe(true);
    const wamids = new Map(finalRows.map((row) => [row.providerMessageId, row.id]));
    for (const tenantId of new Set(staged.map((row) => row.tenantId))) {
      const events = (await rows.listStatusEvents(tenantId)).filter((event) => wamids.has(event.providerMessageId));
      const statusesPerMessage = new Map<string, string[]>();
      for (const event of events) statusesPerMessage.set(event.providerMessageId, [...(statusesPerMessage.get(event.providerMessageId) ?? []), event.status]);
      for (const statuses of statusesPerMessage.values()) expect([...statuses].sort()).toEqual(['delivered', 'read', 'sent']);
      expect(statusesPerMessage.size).toBe(staged.filter((row) => row.tenantId === tenantId).length);
    }
    expectSentOnceInOrder(staged);
  });

  it('marks a row with bad JSON, an unknown type or a channel of another tenant failed with the reason, and sends the rows around it', async () => {
    // Prepare: one conversation, poison rows between good ones
    const { config, gateway, rows } = harness;
    const tenantId = config.pgliteNumber.tenantId;
    const conversation = conversations.find((candidate) => candidate.tenantId === tenantId && candidate.provider === 'meta')!;
    const good = (marker: string) => ({ channelId: conversation.channelId, toId: conversation.toId, message: textMessage(marker) });
    const plan = [
      { kind: 'good', row: good('E2E-POISON-1') },
      { kind: 'bad-json', row: { channelId: conversation.channelId, toId: conversation.toId, message: '{"type":"text","text":{"body":"E2E-POISON-2"' } },
      { kind: 'good', row: good('E2E-POISON-3') },
      { kind: 'unknown-type', row: { channelId: conversation.channelId, toId: conversation.toId, message: '{"type":"hologram","hologram":{"body":"E2E-POISON-4"}}' } },
      { kind: 'good', row: good('E2E-POISON-5') },
      // postgres-tenant's number: a channel this tenant does not own.
      { kind: 'foreign-channel', row: { channelId: config.postgresNumber.phoneNumberId, toId: conversation.toId, message: textMessage('E2E-POISON-6') } },
      { kind: 'good', row: good('E2E-POISON-7') },
    ] as const;

    // Act
    const ids = await rows.insertOutbound(tenantId, plan.map((entry) => entry.row));
    const settled = await rows.waitForOutbound(tenantId, ids, (row) => row.status === 'read' || row.status === 'failed');

    // Assert
    const outcome = (kind: string) => settled.filter((_, at) => plan[at]!.kind === kind);
    expect(outcome('good').map((row) => row.status)).toEqual(['read', 'read', 'read', 'read']);
    expect(outcome('bad-json')).toEqual([expect.objectContaining({ status: 'failed', errorMessage: expect.stringMatching(/JSON/), providerMessageId: null })]);
    expect(outcome('unknown-type')).toEqual([expect.objectContaining({ status: 'failed', errorMessage: expect.stringMatching(/hologram/) })]);
    expect(outcome('foreign-channel')).toEqual([
      expect.objectContaining({ status: 'failed', errorCode: 'UNKNOWN_CHANNEL', errorMessage: expect.stringContaining(config.postgresNumber.phoneNumberId) }),
    ]);
    for (const row of settled.filter((candidate) => candidate.status === 'failed')) expect(row.failedAt).toBeInstanceOf(Date);
    const sentMarkers = gateway.sandbox.sent.map(markerOf).filter((marker) => marker?.startsWith('E2E-POISON-'));
    expect(sentMarkers).toEqual(['E2E-POISON-1', 'E2E-POISON-3', 'E2E-POISON-5', 'E2E-POISON-7']);
  });

  it('lets an operator send a row with the ops CLI and follow it until read', async () => {
    // Prepare
    const { config, gateway } = harness;

    // Act
    const sent = await sendWithCli(gateway, { tenant: 'third-tenant', to: '15550009999', text: 'E2E-CLI-1 from the ops CLI', channel: thirdWhapi.channelId, wait: true });
    const listed = await outboundWithCli(gateway, { tenant: 'third-tenant', limit: 10_000 });

    // Assert
    expect(sent.exitCode).toBe(0);
    expect(sent.output[0]).toMatch(/^inserted wa_outbound_messages row \d+ into third-tenant/);
    expect(sent.output.at(-1)).toMatch(/^row \d+: read\s+\d{4}-\d\d-\d\dT.*\swhapi\s\S+$/);
    expect(gateway.sandbox.sent.filter((message) => markerOf(message) === 'E2E-CLI-1')).toEqual([
      expect.objectContaining({ provider: 'whapi', channelId: thirdWhapi.channelId }),
    ]);
    expect(listed.output.some((line) => line.includes('15550009999') && /\bread\b/.test(line))).toBe(true);
    expect(config.secrets().some((value) => [...sent.output, ...listed.output].some((line) => line.includes(value)))).toBe(false);
  });

  it('never writes a token or secret into a log line', () => {
    expect(capturedLogs.lines.some((line) => line.includes('"service":"message-sender"'))).toBe(true);
    expect(capturedLogs.leaked(harness.config.secrets())).toEqual([]);
  });
});
