import { OUTBOUND_STATUS_RANK, type OutboundStatus, type Provider } from '@wagw/contracts';
import { TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type { Clock, ReceiptUpdate, SendResultUpdate, SentMessageClaim, StatusEventRow, StatusStore, TenantStores } from '@wagw/core/ports';

/** The wa_outbound_messages columns the status-saver touches. */
export interface OutboundRow {
  id: string;
  attempts: number;
  status: OutboundStatus;
  provider: Provider | null;
  channelId: string | null;
  providerMessageId: string | null;
  reservedUntil: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  updatedAt: Date | null;
}

const rank = (status: OutboundStatus): number => OUTBOUND_STATUS_RANK[status];

/** Failures an acceptance (a send result or a Meta receipt naming the row) heals: the gateway only lacked an answer. */
const NO_ANSWER_CODES = new Set(['SEND_ATTEMPTS_EXHAUSTED', 'SEND_OUTCOME_UNKNOWN']);

/** The event statuses listStatusEvents reads back, and how many at most (as the tenant-db statements). */
const ROW_STATUS_EVENTS = new Set(['sent', 'delivered', 'read', 'played', 'failed']);
const LISTED_EVENTS_LIMIT = 50;

/** A row an acceptance may take: no provider message id yet, waiting or failed for lack of an answer. Any attempt. */
const acceptsProof = (row: OutboundRow): boolean =>
  row.providerMessageId === null &&
  (row.status === 'pending' || row.status === 'queued' || (row.status === 'failed' && row.errorCode !== null && NO_ANSWER_CODES.has(row.errorCode)));

/**
 * One tenant database as the status-saver sees it, with the rules of the design: each method is one
 * atomic statement (as one UPDATE/INSERT under READ COMMITTED), a status only moves to a higher rank,
 * events are unique per (provider, provider_message_id, status), an acceptance applies whatever attempt
 * it came from.
 */
export class InMemoryStatusStore implements StatusStore {
  readonly rows = new Map<string, OutboundRow>();
  readonly events: StatusEventRow[] = [];
  /** When set, every call fails the way a tenant database outage does. */
  unavailable = false;

  constructor(private readonly tenantId: string) {}

  /** A row as the collector left it: leased under `attempts` and queued. */
  addQueuedRow(id: string, attempts = 1, overrides: Partial<OutboundRow> = {}): OutboundRow {
    const row: OutboundRow = {
      id,
      attempts,
      status: 'queued',
      provider: null,
      channelId: null,
      providerMessageId: null,
      reservedUntil: new Date('2030-01-01T00:00:00.000Z'),
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      failedAt: null,
      errorCode: null,
      errorMessage: null,
      updatedAt: null,
      ...overrides,
    };
    this.rows.set(id, row);
    return row;
  }

  row(id: string): OutboundRow {
    const row = this.rows.get(id);
    if (row === undefined) throw new Error(`no row ${id}`);
    return row;
  }

  async recordStatusEvent(event: StatusEventRow): Promise<'inserted' | 'duplicate'> {
    this.failIfUnavailable();
    const existing = this.events.find(
      (recorded) => recorded.provider === event.provider && recorded.providerMessageId === event.providerMessageId && recorded.status === event.status,
    );
    if (existing !== undefined) {
      // A repeat only names the outbound row on an event recorded without one.
      existing.outboundMessageId ??= event.outboundMessageId;
      return 'duplicate';
    }
    this.events.push(structuredClone(event));
    return 'inserted';
  }

  async applySendResult(result: SendResultUpdate): Promise<'applied' | 'stale'> {
    this.failIfUnavailable();
    const row = this.rows.get(result.row.id);
    if (row === undefined) return 'stale';
    const applies =
      result.status === 'sent' ? acceptsProof(row) : row.attempts === result.row.attempt && (row.status === 'pending' || row.status === 'queued');
    if (!applies) return 'stale';
    const common = { provider: result.provider, channelId: row.channelId ?? result.channelId, reservedUntil: null, updatedAt: result.now };
    if (result.status === 'sent') {
      Object.assign(row, common, { status: 'sent', providerMessageId: result.providerMessageId, sentAt: result.at, errorCode: null, errorMessage: null, failedAt: null });
    } else {
      Object.assign(row, common, { status: 'failed', errorCode: result.code, errorMessage: result.message, failedAt: result.at });
    }
    return 'applied';
  }

  async applyReceipt(receipt: ReceiptUpdate): Promise<'applied' | 'unchanged' | 'no-row'> {
    this.failIfUnavailable();
    const row = [...this.rows.values()].find(
      (candidate) => candidate.provider === receipt.provider && candidate.providerMessageId === receipt.providerMessageId,
    );
    if (row === undefined) return 'no-row';
    if (rank(row.status) >= rank(receipt.status)) return 'unchanged';
    const at = receipt.occurredAt;
    row.status = receipt.status;
    row.updatedAt = receipt.now;
    if (receipt.status === 'sent' || receipt.status === 'delivered' || receipt.status === 'read') row.sentAt ??= at;
    if (receipt.status === 'delivered' || receipt.status === 'read') {
      row.deliveredAt ??= at;
      Object.assign(row, { failedAt: null, errorCode: null, errorMessage: null });
    }
    if (receipt.status === 'read') row.readAt ??= at;
    if (receipt.status === 'failed') Object.assign(row, { failedAt: at, errorCode: receipt.errorCode, errorMessage: receipt.errorMessage });
    return 'applied';
  }

  async claimSentMessage(claim: SentMessageClaim): Promise<'claimed' | 'unchanged'> {
    this.failIfUnavailable();
    const row = this.rows.get(claim.row.id);
    if (
      row === undefined ||
      !acceptsProof(row) ||
      (row.provider !== null && row.provider !== claim.provider) ||
      (row.channelId !== null && row.channelId !== claim.channelId)
    ) {
      return 'unchanged';
    }
    Object.assign(row, {
      status: 'sent',
      provider: claim.provider,
      channelId: row.channelId ?? claim.channelId,
      providerMessageId: claim.providerMessageId,
      sentAt: row.sentAt ?? claim.occurredAt,
      reservedUntil: null,
      errorCode: null,
      errorMessage: null,
      failedAt: null,
      updatedAt: claim.now,
    });
    return 'claimed';
  }

  async listStatusEvents(provider: Provider, providerMessageId: string): Promise<StatusEventRow[]> {
    this.failIfUnavailable();
    return this.events
      .filter((event) => event.provider === provider && event.providerMessageId === providerMessageId && ROW_STATUS_EVENTS.has(event.status))
      .slice(0, LISTED_EVENTS_LIMIT)
      .map((event) => structuredClone(event));
  }

  private failIfUnavailable(): void {
    if (this.unavailable) throw new TenantDatabaseUnavailableError(this.tenantId, new Error('connect ECONNREFUSED'));
  }
}

/** Per-tenant in-memory databases, created on first use. */
export class InMemoryStatusStores implements TenantStores<StatusStore> {
  private readonly stores = new Map<string, InMemoryStatusStore>();
  /** Tenants whose database cannot be reached: forTenant itself fails, as a pool that cannot connect does. */
  readonly unreachable = new Set<string>();

  async forTenant(tenantId: string): Promise<StatusStore> {
    if (this.unreachable.has(tenantId)) throw new TenantDatabaseUnavailableError(tenantId);
    return this.store(tenantId);
  }

  store(tenantId: string): InMemoryStatusStore {
    let store = this.stores.get(tenantId);
    if (store === undefined) {
      store = new InMemoryStatusStore(tenantId);
      this.stores.set(tenantId, store);
    }
    return store;
  }
}

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });
