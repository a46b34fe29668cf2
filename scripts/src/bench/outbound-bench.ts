import { setTimeout as sleep } from 'node:timers/promises';
import { OUTBOUND_STATUS_RANK } from '@wagw/contracts';
import type { OutboundStatus } from '@wagw/contracts';
import { readRequestCounts, resetRequestCounts } from '@wagw/emulator/request-counts';
import type { LocalGateway } from '@wagw/local/local-gateway';
import type { NewOutboundMessage, OutboundMessageRecord } from '@wagw/tenant-db/tenant-store';
import type { BenchTenant } from './bench-gateway';
import { runBounded, summarize } from './stats';
import type { Summary } from './stats';

export interface OutboundBenchOptions {
  gateway: LocalGateway;
  tenants: readonly BenchTenant[];
  /** Rows in all, spread round-robin over every tenant's channels and recipients. */
  rows: number;
  recipientsPerChannel: number;
  runId: string;
  /**
   * Whether the sandbox posts sent → delivered → read webhooks back. Without them the run measures the
   * send path alone (INSERT → 'sent'); with them, the whole loop, receipts competing for the same CPU.
   */
  receipts: boolean;
  /** Give up after this long. */
  timeoutMs: number;
}

/** Invocations of one function (hop) during the run, per outbound message. */
export interface HopInvocations {
  hop: string;
  invocations: number;
  perMessage: number;
  note: string;
}

export interface OutboundResult {
  /** 'receipts on' or 'receipts off'. */
  label: string;
  receipts: boolean;
  rows: number;
  tenants: number;
  conversations: number;
  /** Until the last INSERT returned. */
  insertSeconds: number;
  /** From the first INSERT until every row's status was 'sent' or beyond. */
  sentSeconds: number;
  /** From the first INSERT until every row was 'read' (undefined without receipts). */
  readSeconds: number | undefined;
  sentPerSecond: number;
  readPerSecond: number | undefined;
  /** Row created_at → the provider accepted the request (sandbox `sent[].acceptedAt`), ms. */
  insertToProviderMs: Summary;
  /** Row created_at → queued_at (the collector put it on outbound-messages.fifo), ms. */
  insertToQueuedMs: Summary;
  /** Every SQS request the emulator served during the run, by queue and action. */
  sqsByQueue: Record<string, Record<string, number>>;
  sqsRequests: number;
  sqsPerMessage: number;
  /** Status webhooks the sandbox posted back (receipts), per message. */
  webhooksPerMessage: number;
  invocations: HopInvocations[];
}

const MARKER = /OUTBOUND-BENCH-[a-z0-9]+-\d+/;

interface Planned {
  tenant: BenchTenant;
  row: NewOutboundMessage;
  marker: string;
}

const plan = (options: OutboundBenchOptions): { planned: Planned[]; conversations: number } => {
  const conversations = options.tenants.flatMap((tenant) =>
    tenant.channels.flatMap((channel, channelIndex) =>
      Array.from({ length: options.recipientsPerChannel }, (_, recipient) => ({
        tenant,
        channelId: channel.channelId,
        toId: `1556${String(options.tenants.indexOf(tenant))}${channelIndex}${String(recipient).padStart(5, '0')}`,
      })),
    ),
  );
  const planned = Array.from({ length: options.rows }, (_, index) => {
    const conversation = conversations[index % conversations.length]!;
    const marker = `OUTBOUND-BENCH-${options.runId}-${index}`;
    return {
      tenant: conversation.tenant,
      marker,
      row: { channelId: conversation.channelId, toId: conversation.toId, message: JSON.stringify({ type: 'text', text: { body: `Benchmark ${marker}` } }) },
    };
  });
  return { planned, conversations: conversations.length };
};

/**
 * Follows the rows of one tenant with a cursor: the lowest id not yet at `status` (or beyond), read
 * in small pages, so watching costs the databases little next to the gateway's own work.
 */
class StatusWatcher {
  private cursor: bigint;

  constructor(
    private readonly tenant: BenchTenant,
    private readonly ids: readonly string[],
    private readonly rank: number,
  ) {
    this.cursor = ids.length === 0 ? 0n : BigInt(ids[0]!) - 1n;
  }

  get done(): boolean {
    return this.ids.length === 0 || this.cursor >= BigInt(this.ids.at(-1)!);
  }

  async advance(): Promise<void> {
    const wanted = new Set(this.ids);
    for (;;) {
      const page = await this.tenant.store.listOutboundMessages({ limit: 200, afterId: this.cursor.toString() });
      for (const row of page) {
        if (wanted.has(row.id) && row.status === 'failed') {
          throw new Error(`outbound bench: row ${row.id} of ${this.tenant.tenantId} failed (${row.errorCode ?? '-'}: ${row.errorMessage ?? '-'})`);
        }
        if (wanted.has(row.id) && OUTBOUND_STATUS_RANK[row.status] < this.rank) return;
        this.cursor = BigInt(row.id);
      }
      if (page.length < 200 || this.done) return;
    }
  }
}

const waitForStatus = async (
  watchers: StatusWatcher[],
  start: bigint,
  timeoutMs: number,
  what: string,
): Promise<number> => {
  for (;;) {
    for (const watcher of watchers) if (!watcher.done) await watcher.advance();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (watchers.every((watcher) => watcher.done)) return seconds;
    if (seconds * 1000 > timeoutMs) throw new Error(`outbound bench: not every row ${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
};

const readAll = async (tenant: BenchTenant, ids: readonly string[]): Promise<OutboundMessageRecord[]> => {
  const wanted = new Set(ids);
  const rows: OutboundMessageRecord[] = [];
  let afterId = ids.length === 0 ? '0' : (BigInt(ids[0]!) - 1n).toString();
  for (;;) {
    const page = await tenant.store.listOutboundMessages({ limit: 1000, afterId });
    rows.push(...page.filter((row) => wanted.has(row.id)));
    if (page.length < 1000) return rows;
    afterId = page.at(-1)!.id;
  }
};

const rankOf = (status: OutboundStatus): number => OUTBOUND_STATUS_RANK[status];

/**
 * Outbound end to end through local mode: N text rows inserted (as a tenant system would) across the
 * tenants' Meta and Whapi channels; the clock runs from the first INSERT until every row is 'sent',
 * then (with receipts) 'read': the sandbox posts sent → delivered → read webhooks back through the
 * real receiver.
 * SQS requests are counted at the emulator (every client, idle long-polls included); invocations by
 * the local pollers, the schedule, the Lambda Invoke endpoint and the HTTP adapter.
 */
export const benchOutbound = async (options: OutboundBenchOptions): Promise<OutboundResult> => {
  const { gateway } = options;
  const { planned, conversations } = plan(options);
  gateway.configureStatusWebhooks(options.receipts ? {} : { sequence: [] });
  await gateway.sandbox.whenWebhooksIdle();
  await resetRequestCounts(gateway.emulatorEndpoint);
  const before = {
    sender: gateway.pollers['message-sender'].counters.batches,
    saver: gateway.pollers['status-saver'].counters.batches,
    saverRecords: gateway.pollers['status-saver'].counters.received,
    ticks: gateway.collectorSchedule?.counters.invocations ?? 0,
    runs: gateway.functionInvocations['outbound-collector'] ?? 0,
    broker: gateway.functionInvocations['credentials-broker'] ?? 0,
    http: gateway.httpInvocations(),
    sent: gateway.sandbox.sent.length,
  };

  const start = process.hrtime.bigint();
  const ids = new Map<BenchTenant, string[]>(options.tenants.map((tenant) => [tenant, []]));
  const markersById = new Map<string, string>();
  // Each tenant system inserts its rows in order; the tenants insert at the same time.
  await runBounded(options.tenants.length, options.tenants.length, async (tenantIndex) => {
    const tenant = options.tenants[tenantIndex]!;
    for (const entry of planned.filter((candidate) => candidate.tenant === tenant)) {
      const id = await tenant.store.insertOutboundMessage(entry.row);
      ids.get(tenant)!.push(id);
      markersById.set(`${tenant.tenantId}/${id}`, entry.marker);
    }
  });
  const insertSeconds = Number(process.hrtime.bigint() - start) / 1e9;

  const watchers = (rank: number) => options.tenants.map((tenant) => new StatusWatcher(tenant, ids.get(tenant)!, rank));
  const sentSeconds = await waitForStatus(watchers(rankOf('sent')), start, options.timeoutMs, "'sent'");
  const readSeconds = options.receipts ? await waitForStatus(watchers(rankOf('read')), start, options.timeoutMs, "'read'") : undefined;
  await gateway.sandbox.whenWebhooksIdle();
  gateway.configureStatusWebhooks({});
  const counts = await readRequestCounts(gateway.emulatorEndpoint);

  const acceptedAt = new Map<string, number>();
  for (const message of gateway.sandbox.sent.slice(before.sent)) {
    const marker = MARKER.exec(JSON.stringify(message.body))?.[0];
    if (marker !== undefined && !acceptedAt.has(marker)) acceptedAt.set(marker, message.acceptedAt);
  }
  const toProvider: number[] = [];
  const toQueued: number[] = [];
  for (const tenant of options.tenants) {
    for (const row of await readAll(tenant, ids.get(tenant)!)) {
      const accepted = acceptedAt.get(markersById.get(`${tenant.tenantId}/${row.id}`) ?? '');
      if (accepted !== undefined) toProvider.push(accepted - row.createdAt.getTime());
      if (row.queuedAt !== null) toQueued.push(row.queuedAt.getTime() - row.createdAt.getTime());
    }
  }

  const sqsByQueue: Record<string, Record<string, number>> = {};
  let sqsRequests = 0;
  for (const [action, byQueue] of Object.entries(counts.sqs)) {
    for (const [queue, count] of Object.entries(byQueue)) {
      (sqsByQueue[queue] ??= {})[action] = count;
      sqsRequests += count;
    }
  }
  const n = options.rows;
  const hop = (name: string, invocations: number, note: string): HopInvocations => ({ hop: name, invocations, perMessage: invocations / n, note });
  const saverBatches = gateway.pollers['status-saver'].counters.batches - before.saver;
  const saverRecords = gateway.pollers['status-saver'].counters.received - before.saverRecords;
  const ticks = (gateway.collectorSchedule?.counters.invocations ?? 0) - before.ticks;
  const runs = (gateway.functionInvocations['outbound-collector'] ?? 0) - before.runs;
  const httpInvocations = gateway.httpInvocations() - before.http;
  return {
    label: options.receipts ? 'receipts on' : 'receipts off',
    receipts: options.receipts,
    rows: n,
    tenants: options.tenants.length,
    conversations,
    insertSeconds,
    sentSeconds,
    readSeconds,
    sentPerSecond: n / sentSeconds,
    readPerSecond: readSeconds === undefined ? undefined : n / readSeconds,
    insertToProviderMs: summarize(toProvider),
    insertToQueuedMs: summarize(toQueued),
    sqsByQueue,
    sqsRequests,
    sqsPerMessage: sqsRequests / n,
    webhooksPerMessage: httpInvocations / n,
    invocations: [
      hop('outbound-collector', ticks + runs, `${ticks} schedule tick(s) + ${runs} per-tenant run(s); time-driven (one run per tenant per interval), not per row`),
      hop('message-sender', gateway.pollers['message-sender'].counters.batches - before.sender, 'SQS batches of ≤ 10'),
      hop('status-saver', saverBatches, `SQS batches of ≤ 10; ${saverRecords} status events (${(saverRecords / n).toFixed(1)} per message: send result + receipts)`),
      hop('webhook-receiver', httpInvocations, 'one per status webhook the provider posts (sent, delivered, read): provider-driven'),
      hop('credentials-broker', (gateway.functionInvocations['credentials-broker'] ?? 0) - before.broker, 'cache misses of every service'),
    ],
  };
};

export interface OutboundInsertFloorResult {
  engine: string;
  rows: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

/**
 * The tenant database's ceiling for the first statement of the path: wa_outbound_messages INSERTs
 * through the tenant-db adapter, due in a year so the collector leaves them alone.
 */
export const benchOutboundInsertFloor = async (tenant: BenchTenant, rows: number, concurrency: number, runId: string): Promise<OutboundInsertFloorResult> => {
  const notBefore = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const start = process.hrtime.bigint();
  await runBounded(rows, concurrency, async (index) => {
    await tenant.store.insertOutboundMessage({
      channelId: tenant.channels[0]!.channelId,
      toId: '15569999999',
      message: JSON.stringify({ type: 'text', text: { body: `Floor ${runId} ${index}` } }),
      notBefore,
    });
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { engine: tenant.engine, rows, concurrency, seconds, perSecond: rows / seconds };
};
