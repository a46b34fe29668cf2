import type { InboundMessageRowV1, MediaOutcomeV1, QueueRole } from '@wagw/contracts';
import { TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type {
  Clock,
  EventPublisher,
  InboundMessageStore,
  InsertOutcome,
  MediaApplyOutcome,
  MessageKey,
  QueueMessage,
  TenantStores,
} from '@wagw/core/ports';

const keyOf = (key: MessageKey): string => JSON.stringify([key.provider, key.channelId, key.providerMessageId]);

/** One tenant database: rows by (provider, channel_id, provider_message_id), as the contract's unique key. */
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
    if (outcome.status === 'stored') {
      Object.assign(row, {
        mediaStatus: 'stored',
        mediaKey: outcome.key,
        mediaMimeType: outcome.mimeType,
        mediaSize: outcome.size,
        mediaSha256: outcome.sha256,
      });
    } else {
      Object.assign(row, { mediaStatus: 'failed', mediaError: `${outcome.code}: ${outcome.reason}` });
    }
    return 'applied';
  }

  get allRows(): InboundMessageRowV1[] {
    return [...this.rows.values()];
  }

  private failIfUnavailable(): void {
    if (this.unavailable) throw new TenantDatabaseUnavailableError(this.tenantId, new Error('connect ECONNREFUSED'));
  }
}

/** Per-tenant in-memory databases, created on first use. */
export class InMemoryTenantStores implements TenantStores {
  private readonly stores = new Map<string, InMemoryInboundStore>();
  /** Tenants whose database cannot be reached: forTenant itself fails, as a pool that cannot connect does. */
  readonly unreachable = new Set<string>();

  async forTenant(tenantId: string): Promise<InboundMessageStore> {
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
    return this.stores.get(tenantId)?.allRows ?? [];
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: { queue: QueueRole; message: QueueMessage }[] = [];
  /** When set, publish rejects with it (the queue is not reachable). */
  failWith: Error | undefined;

  async publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    if (this.failWith !== undefined) throw this.failWith;
    for (const message of messages) this.published.push({ queue, message });
  }
}

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });
