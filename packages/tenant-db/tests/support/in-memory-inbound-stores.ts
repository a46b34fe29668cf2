import type { InboundMessageRowV1, MediaOutcomeV1 } from '@wagw/contracts';
import { TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type { InboundMessageStore, InsertOutcome, MediaApplyOutcome, MessageKey, TenantStores } from '@wagw/core/ports';

const keyOf = (key: MessageKey): string => JSON.stringify([key.provider, key.channelId, key.providerMessageId]);

/** One tenant database: inbound rows by the contract's unique key. */
export class InMemoryInboundStore implements InboundMessageStore {
  readonly rows = new Map<string, InboundMessageRowV1>();
  /** When set, every call fails the way a tenant database outage does. */
  unavailable = false;

  constructor(private readonly tenantId: string) {}

  async insertInboundMessage(row: InboundMessageRowV1): Promise<InsertOutcome> {
    this.failIfUnavailable();
    const existing = this.rows.get(keyOf(row));
    if (existing !== undefined) return { outcome: 'duplicate', mediaStatus: existing.mediaStatus };
    this.rows.set(keyOf(row), structuredClone(row));
    return { outcome: 'inserted' };
  }

  async applyMediaOutcome(key: MessageKey, outcome: MediaOutcomeV1): Promise<MediaApplyOutcome> {
    this.failIfUnavailable();
    const row = this.rows.get(keyOf(key));
    if (row === undefined) return 'missing';
    if (row.mediaStatus !== 'pending') return 'unchanged';
    row.mediaStatus = outcome.status;
    return 'applied';
  }

  private failIfUnavailable(): void {
    if (this.unavailable) throw new TenantDatabaseUnavailableError(this.tenantId, new Error('connect ECONNREFUSED'));
  }
}

/** Per-tenant in-memory databases, created on first use. */
export class InMemoryTenantStores implements TenantStores<InMemoryInboundStore> {
  private readonly stores = new Map<string, InMemoryInboundStore>();
  /** Tenants whose database cannot be reached: forTenant itself fails, as a pool that cannot connect does. */
  readonly unreachable = new Set<string>();

  async forTenant(tenantId: string): Promise<InMemoryInboundStore> {
    if (this.unreachable.has(tenantId)) throw new TenantDatabaseUnavailableError(tenantId);
    return this.store(tenantId);
  }

  store(tenantId: string): InMemoryInboundStore {
    let store = this.stores.get(tenantId);
    if (store === undefined) {
      store = new InMemoryInboundStore(tenantId);
      this.stores.set(tenantId, store);
    }
    return store;
  }

  rowsOf(tenantId: string): InboundMessageRowV1[] {
    return [...(this.stores.get(tenantId)?.rows.values() ?? [])];
  }
}
