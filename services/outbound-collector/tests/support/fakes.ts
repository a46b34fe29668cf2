import type { QueueRole, TenantSummaryV1 } from '@wagw/contracts';
import { QueuePublishError } from '@wagw/aws/errors';
import { CredentialsUnavailableError, GatewayError, TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type {
  Clock,
  CredentialsClient,
  EventPublisher,
  LeaseOptions,
  LeasedOutboundRow,
  OutboundMessageStore,
  OutboundRowRef,
  QueueMessage,
  ReapOptions,
  ReapResult,
  TenantStores,
} from '@wagw/core/ports';
import type { TenantRunLauncher } from '../../src/collector-dependencies';

/** A clock that moves only when told to; `sleep` moves it instead of waiting, and records each pause. */
export class FakeClock implements Clock {
  readonly pauses: number[] = [];
  /** Runs after each pause (e.g. a tenant inserting a row meanwhile). */
  onPause: (pauseIndex: number) => void = () => undefined;
  private millis: number;

  constructor(start = '2025-10-09T09:00:00.000Z') {
    this.millis = Date.parse(start);
  }

  now(): Date {
    return new Date(this.millis);
  }

  advance(ms: number): void {
    this.millis += ms;
  }

  readonly sleep = async (ms: number): Promise<void> => {
    this.pauses.push(ms);
    this.advance(ms);
    this.onPause(this.pauses.length);
    await Promise.resolve();
  };
}

export interface FakeOutboundRow {
  id: string;
  channelId: string | null;
  toId: string;
  message: string;
  notBefore: Date | null;
  status: 'pending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  attempts: number;
  reservedUntil: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  queuedAt: Date | null;
  failedAt: Date | null;
}

export interface NewRow {
  toId: string;
  message: string;
  channelId?: string | null;
  notBefore?: Date | null;
}

/** wa_outbound_messages of one tenant in memory, with the lease/mark/release/reap rules of the port. */
export class InMemoryOutboundStore implements OutboundMessageStore {
  readonly rows: FakeOutboundRow[] = [];
  readonly calls: string[] = [];
  /** When set, every call fails the way a tenant database outage does. */
  unavailable = false;
  /** Rows whose failOutboundMessage throws (e.g. a constraint nobody foresaw). */
  readonly unfailable = new Set<string>();
  /** Rewrites each leased row as the driver returns it (to feed the collector values nobody foresaw). */
  onLease: (row: LeasedOutboundRow) => LeasedOutboundRow = (row) => row;
  private nextId = 1;

  constructor(
    private readonly tenantId: string,
    private readonly clock: Clock,
  ) {}

  insert(row: NewRow): string {
    const id = String(this.nextId++);
    this.rows.push({
      id,
      channelId: row.channelId ?? null,
      toId: row.toId,
      message: row.message,
      notBefore: row.notBefore ?? null,
      status: 'pending',
      attempts: 0,
      reservedUntil: null,
      errorCode: null,
      errorMessage: null,
      createdAt: this.clock.now(),
      queuedAt: null,
      failedAt: null,
    });
    return id;
  }

  row(id: string): FakeOutboundRow {
    const row = this.rows.find((candidate) => candidate.id === id);
    if (row === undefined) throw new Error(`no row ${id}`);
    return row;
  }

  async leaseDueMessages({ limit, now, leaseSeconds }: LeaseOptions): Promise<LeasedOutboundRow[]> {
    this.enter('leaseDueMessages');
    const due = this.rows
      .filter((row) => row.status === 'pending' && (row.notBefore === null || row.notBefore <= now))
      .filter((row) => row.reservedUntil === null || row.reservedUntil < now)
      .slice(0, limit);
    return due.map((row) => {
      row.reservedUntil = new Date(now.getTime() + leaseSeconds * 1000);
      row.attempts += 1;
      return this.onLease({
        id: row.id,
        channelId: row.channelId,
        toId: row.toId,
        message: row.message,
        attempt: row.attempts,
        reservedUntil: row.reservedUntil,
        createdAt: row.createdAt,
      });
    });
  }

  async markQueued(refs: readonly OutboundRowRef[], now: Date): Promise<void> {
    this.enter('markQueued');
    for (const row of this.held(refs)) Object.assign(row, { status: 'queued', queuedAt: now });
  }

  async releaseLeases(refs: readonly OutboundRowRef[]): Promise<void> {
    this.enter('releaseLeases');
    for (const row of this.held(refs)) Object.assign(row, { reservedUntil: null, attempts: row.attempts - 1 });
  }

  async failOutboundMessage(ref: OutboundRowRef, error: { code: string; message: string }, now: Date): Promise<void> {
    this.enter('failOutboundMessage');
    if (this.unfailable.has(ref.id)) throw new GatewayError('TENANT_DB_REJECTED', `row ${ref.id} could not be updated`);
    for (const row of this.held([ref])) {
      Object.assign(row, { status: 'failed', errorCode: error.code, errorMessage: error.message, failedAt: now, reservedUntil: null });
    }
  }

  readonly reapCalls: ReapOptions[] = [];

  async reapExpiredLeases(options: ReapOptions): Promise<ReapResult> {
    const { now, expiredBefore, maxAttempts } = options;
    this.enter('reapExpiredLeases');
    this.reapCalls.push(options);
    const result = { requeued: 0, failed: 0 };
    for (const row of this.rows) {
      if (row.status !== 'queued' || row.reservedUntil === null || row.reservedUntil >= expiredBefore) continue;
      if (row.attempts >= maxAttempts) {
        Object.assign(row, { status: 'failed', errorCode: 'SEND_ATTEMPTS_EXHAUSTED', errorMessage: 'no send result', failedAt: now, reservedUntil: null });
        result.failed += 1;
      } else {
        Object.assign(row, { status: 'pending', reservedUntil: null });
        result.requeued += 1;
      }
    }
    return result;
  }

  private held(refs: readonly OutboundRowRef[]): FakeOutboundRow[] {
    return refs.flatMap((ref) => this.rows.filter((row) => row.id === ref.id && row.attempts === ref.attempt && row.status === 'pending'));
  }

  private enter(call: string): void {
    this.calls.push(call);
    if (this.unavailable) throw new TenantDatabaseUnavailableError(this.tenantId, new Error('connect ECONNREFUSED'));
  }
}

/** Per-tenant in-memory tables; a tenant in `unreachable` fails in forTenant, as a pool that cannot connect does. */
export class InMemoryTenantStores implements TenantStores<OutboundMessageStore> {
  readonly unreachable = new Set<string>();
  private readonly stores = new Map<string, InMemoryOutboundStore>();

  constructor(private readonly clock: Clock) {}

  async forTenant(tenantId: string): Promise<OutboundMessageStore> {
    if (this.unreachable.has(tenantId)) throw new TenantDatabaseUnavailableError(tenantId);
    return this.store(tenantId);
  }

  store(tenantId: string): InMemoryOutboundStore {
    let store = this.stores.get(tenantId);
    if (store === undefined) {
      store = new InMemoryOutboundStore(tenantId, this.clock);
      this.stores.set(tenantId, store);
    }
    return store;
  }
}

/** How the next publish call fails part-way, as SqsEventPublisher does when a SendMessageBatch call throws. */
export interface PartialFailure {
  /** The first messages, confirmed by SQS. */
  queued: number;
  /** The next ones went in the call that threw. */
  ambiguous: number;
  /** Whether the ambiguous ones did reach the queue (the answer was lost) or not (the request was). */
  ambiguousLanded: boolean;
}

/**
 * Keeps every message that reached the queue, in order, dropping a repeated deduplication id as SQS
 * does within its window. `failures` makes that many next calls fail with nothing queued;
 * `partialFailure` makes the next call fail part-way; both throw the real QueuePublishError.
 */
export class RecordingPublisher implements EventPublisher {
  readonly published: { queue: QueueRole; message: QueueMessage }[] = [];
  readonly calls: number[] = [];
  /** Deduplication ids of every call, accepted or not. */
  readonly sent: string[][] = [];
  failures = 0;
  partialFailure: PartialFailure | undefined;
  /** When set, the next call throws this instead (a publisher that says nothing about its messages). */
  opaqueFailure: Error | undefined;
  /** Runs on every call, before it succeeds or fails (e.g. time spent talking to SQS). */
  onPublish: () => void = () => undefined;

  async publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    this.calls.push(messages.length);
    this.sent.push(messages.map((message) => message.deduplicationId));
    this.onPublish();
    await Promise.resolve();
    const ids = messages.map((message) => message.deduplicationId);
    if (this.opaqueFailure !== undefined) {
      const failure = this.opaqueFailure;
      this.opaqueFailure = undefined;
      throw failure;
    }
    if (this.failures > 0) {
      this.failures -= 1;
      throw new QueuePublishError(queue, { queued: [], ambiguous: [], notQueued: ids }, 'InternalError', { retryable: true });
    }
    const partial = this.partialFailure;
    if (partial !== undefined) {
      this.partialFailure = undefined;
      const landed = partial.queued + (partial.ambiguousLanded ? partial.ambiguous : 0);
      messages.slice(0, landed).forEach((message) => this.accept(queue, message));
      throw new QueuePublishError(
        queue,
        { queued: ids.slice(0, partial.queued), ambiguous: ids.slice(partial.queued, partial.queued + partial.ambiguous), notQueued: ids.slice(partial.queued + partial.ambiguous) },
        'SendMessageBatch failed',
        { retryable: true, cause: new Error('socket hang up') },
      );
    }
    messages.forEach((message) => this.accept(queue, message));
  }

  bodies(): Record<string, unknown>[] {
    return this.published.map(({ message }) => JSON.parse(message.body) as Record<string, unknown>);
  }

  private accept(queue: QueueRole, message: QueueMessage): void {
    if (this.published.some((entry) => entry.message.deduplicationId === message.deduplicationId)) return;
    this.published.push({ queue, message });
  }
}

/**
 * The credentials client as the collector sees it: `tenants` is the (cached) tenant list; invalidate()
 * drops the cache, after which the broker's current list (`brokerTenants`, when set) is answered.
 */
export class FakeCredentials implements Pick<CredentialsClient, 'listTenants' | 'invalidate'> {
  unavailable = false;
  asked = 0;
  invalidations = 0;
  brokerTenants: TenantSummaryV1[] | undefined;
  /** Runs on invalidate() (e.g. the broker becoming unreachable). */
  onInvalidate: () => void = () => undefined;

  constructor(public tenants: TenantSummaryV1[]) {}

  async listTenants(): Promise<TenantSummaryV1[]> {
    this.asked += 1;
    await Promise.resolve();
    if (this.unavailable) throw new CredentialsUnavailableError('broker throttled');
    return this.tenants;
  }

  invalidate(): void {
    this.invalidations += 1;
    if (this.brokerTenants !== undefined) this.tenants = this.brokerTenants;
    this.onInvalidate();
  }
}

/** Records each launch; tenants in `failing` are refused. */
export class FakeLauncher implements TenantRunLauncher {
  readonly launched: string[] = [];
  readonly failing = new Set<string>();

  async launch(tenantId: string): Promise<void> {
    await Promise.resolve();
    if (this.failing.has(tenantId)) throw new Error(`invoke refused for ${tenantId}`);
    this.launched.push(tenantId);
  }
}
