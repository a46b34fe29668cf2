import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { MessageKey } from '@wagw/core/ports';
import { createTenantStore } from '@wagw/tenant-db/create-tenant-store';
import type { InboundMessageRecord, NewOutboundMessage, OutboundMessageRecord, StatusEventRecord, TenantStore } from '@wagw/tenant-db/tenant-store';
import { waitFor } from '@wagw/local/wait-for';

/**
 * Reads tenants' rows (and writes outbound rows as a tenant system would) through the tenant-db adapters. In the gateway's own process a
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

  /** Inserts wa_outbound_messages rows one by one, in order (ids grow with it); returns their ids. */
  async insertOutbound(tenantId: string, rows: readonly NewOutboundMessage[]): Promise<string[]> {
    const store = await this.store(tenantId);
    const ids: string[] = [];
    for (const row of rows) ids.push(await store.insertOutboundMessage(row));
    return ids;
  }

  async listOutbound(tenantId: string): Promise<OutboundMessageRecord[]> {
    const store = await this.store(tenantId);
    const rows: OutboundMessageRecord[] = [];
    for (;;) {
      const page = await store.listOutboundMessages({ limit: 1000, ...(rows.length === 0 ? {} : { afterId: rows.at(-1)!.id }) });
      rows.push(...page);
      if (page.length < 1000) return rows;
    }
  }

  async listStatusEvents(tenantId: string): Promise<StatusEventRecord[]> {
    return (await this.store(tenantId)).listStatusEventRecords({ limit: 100_000 });
  }

  /** Polls (bounded) until every listed row satisfies `done`; returns the rows. */
  waitForOutbound(
    tenantId: string,
    ids: readonly string[],
    done: (row: OutboundMessageRecord) => boolean,
    timeoutMs = 120_000,
  ): Promise<OutboundMessageRecord[]> {
    const wanted = new Set(ids);
    let progress = '';
    return waitFor(
      async () => {
        const rows = (await this.listOutbound(tenantId)).filter((row) => wanted.has(row.id));
        const counts = new Map<string, number>();
        for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
        progress = [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
        return rows.length === wanted.size && rows.every(done) ? rows : undefined;
      },
      {
        // A getter: the timeout message shows the statuses of the last poll.
        get what() {
          return `${ids.length} outbound row(s) in ${tenantId} (last seen: ${progress || 'none'})`;
        },
        timeoutMs,
        intervalMs: 500,
      },
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
