import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { MessageKey } from '@wagw/core/ports';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import type { InboundMessageRecord, TenantStore } from '@wagw/tenant-db/tenant-store';
import { waitFor } from '@wagw/local/wait-for';

/**
 * Reads tenants' wa_inbound_messages through the tenant-db adapters. In the gateway's own process a
 * PGlite directory is shared with the writer (one instance per directory), so reads see its writes.
 */
export class TenantRows {
  private readonly stores = new Map<string, Promise<TenantStore>>();

  constructor(private readonly settingsFor: (tenantId: string) => DatabaseSettingsV1) {}

  async find(tenantId: string, key: MessageKey): Promise<InboundMessageRecord | undefined> {
    return (await this.store(tenantId)).findInboundMessage(key);
  }

  async list(tenantId: string): Promise<InboundMessageRecord[]> {
    return (await this.store(tenantId)).listInboundMessages({ limit: 10_000 });
  }

  /** Polls (bounded) until the row exists and satisfies `ready`. */
  waitForRow(
    tenantId: string,
    key: MessageKey,
    ready: (row: InboundMessageRecord) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<InboundMessageRecord> {
    return waitFor(
      async () => {
        const row = await this.find(tenantId, key);
        return row !== undefined && ready(row) ? row : undefined;
      },
      { what: `row ${key.providerMessageId} in ${tenantId}`, timeoutMs },
    );
  }

  async close(): Promise<void> {
    const stores = [...this.stores.values()];
    this.stores.clear();
    await Promise.all(stores.map(async (store) => (await store.catch(() => undefined))?.close()));
  }

  private store(tenantId: string): Promise<TenantStore> {
    let store = this.stores.get(tenantId);
    if (store === undefined) {
      store = createTenantStore(this.settingsFor(tenantId), { tenantId });
      this.stores.set(tenantId, store);
      void store.catch(() => this.stores.delete(tenantId));
    }
    return store;
  }
}
