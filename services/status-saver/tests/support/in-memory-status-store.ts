import { OUTBOUND_STATUS_RANK, type OutboundStatus, type Provider } from '@wagw/contracts';
import { TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type { Clock, ReceiptUpdate, SendResultUpdate, StatusEventRow, StatusStore, TenantStores } from '@wagw/core/ports';

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

/**
 * One tenant database as the status-saver sees it, with the rules of the design: each method is one
 * atomic statement (as one UPDATE/INSERT under READ COMMITTED), a status only moves to a higher rank,
 * events are unique per (provider, provider_message_id, status).
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
    const exists = this.events.some(
      (recorded) => recorded.provider === event.provider && recorded.providerMessageId === event.providerMessageId && recorded.status === event.status,
    );
    if (exists) return 'duplicate';
    this.events.push(structuredClone(event));
    return 'inserted';
  }

  async applySendResult(result: SendResultUpdate): Promise<'applied' | 'stale'> {
    this.failIfUnavailable();
    const row = this.rows.get(result.row.id);
    if (row === undefined || row.attempts !== result.row.attempt || (row.status !== 'pending' && row.status !== 'queued')) return 'stale';
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

  async listStatusEvents(provider: Provider, providerMessageId: string): Promise<StatusEventRow[]> {
    this.failIfUnavailable();
    return this.events
      .filter((event) => event.provider === provider && event.providerMessageId === providerMessageId)
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
