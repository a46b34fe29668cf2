import { createHash } from 'node:crypto';
import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { TenantStores } from '@wagw/core';
import { createTenantStore } from './create-tenant-store';
import type { TenantStore, TenantStoreOptions } from './tenant-store';
import { describeError } from '@wagw/core/errors';

/** The part of a pino logger this class uses. */
export interface TenantDbLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface PooledTenantStoresOptions {
  /** The tenant's current database settings (e.g. CredentialsClient.getTenantDatabase, cached). */
  settingsFor: (tenantId: string) => Promise<DatabaseSettingsV1>;
  /** A tenant's pool unused for this long is closed. */
  idleMs: number;
  logger?: TenantDbLogger;
  /** Opens a tenant's store; `createTenantStore` by default (tests pass a fake). */
  createStore?: (settings: DatabaseSettingsV1, options: TenantStoreOptions) => Promise<TenantStore>;
  /** Millisecond clock; `Date.now` by default. */
  now?: () => number;
  /** How often idle pools are looked for; default min(idleMs, 60 s). 0 = never (call closeIdle yourself). */
  sweepEveryMs?: number;
}

interface Entry {
  /** Hash of the settings the store was opened with: new settings open a new pool. */
  fingerprint: string;
  store: Promise<TenantStore>;
  lastUsed: number;
}

/** Settings hold passwords: the map keeps only a hash of them, and they are never logged. */
const fingerprintOf = (settings: DatabaseSettingsV1): string => {
  const entries = Object.entries(settings).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
};


/**
 * The TenantStores port: one store (connection pool / embedded instance) per tenant, kept across
 * Lambda invocations, replaced when the tenant's settings change, closed after `idleMs` unused.
 * A store that failed to open is not kept, so the next call tries again.
 */
export class PooledTenantStores implements TenantStores<TenantStore> {
  private readonly entries = new Map<string, Entry>();
  private readonly settingsFor: PooledTenantStoresOptions['settingsFor'];
  private readonly createStore: NonNullable<PooledTenantStoresOptions['createStore']>;
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly sweepEveryMs: number;
  private readonly logger: TenantDbLogger | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: PooledTenantStoresOptions) {
    this.settingsFor = options.settingsFor;
    this.createStore = options.createStore ?? createTenantStore;
    this.now = options.now ?? Date.now;
    this.idleMs = options.idleMs;
    this.sweepEveryMs = options.sweepEveryMs ?? Math.max(1_000, Math.min(options.idleMs, 60_000));
    this.logger = options.logger;
  }

  async forTenant(tenantId: string): Promise<TenantStore> {
    const settings = await this.settingsFor(tenantId);
    const fingerprint = fingerprintOf(settings);
    const current = this.entries.get(tenantId);
    if (current !== undefined && current.fingerprint === fingerprint) {
      current.lastUsed = this.now();
      return current.store;
    }
    if (current !== undefined) {
      this.entries.delete(tenantId);
      void this.retire(tenantId, current, 'tenant database settings changed; closing the old pool');
    }
    const entry: Entry = { fingerprint, lastUsed: this.now(), store: this.createStore(settings, { tenantId }) };
    this.entries.set(tenantId, entry);
    void entry.store.catch(() => {
      if (this.entries.get(tenantId) === entry) this.entries.delete(tenantId);
    });
    this.startSweeper();
    return entry.store;
  }

  /** Closes the stores unused for idleMs or longer; runs on an unref'd timer, callable directly. */
  async closeIdle(): Promise<void> {
    const cutoff = this.now() - this.idleMs;
    const closing: Promise<void>[] = [];
    for (const [tenantId, entry] of this.entries) {
      if (entry.lastUsed > cutoff) continue;
      this.entries.delete(tenantId);
      closing.push(this.retire(tenantId, entry, 'closing idle tenant database pool'));
    }
    await Promise.all(closing);
    if (this.entries.size === 0) this.stopSweeper();
  }

  /** Closes every store (shutdown, tests). */
  async closeAll(): Promise<void> {
    this.stopSweeper();
    const all = [...this.entries].map(([tenantId, entry]) => this.retire(tenantId, entry));
    this.entries.clear();
    await Promise.all(all);
  }

  /** Tenants with an open (or opening) store. */
  openTenants(): string[] {
    return [...this.entries.keys()];
  }

  private async retire(tenantId: string, entry: Entry, message?: string): Promise<void> {
    if (message !== undefined) this.logger?.info({ tenantId }, message);
    try {
      const store = await entry.store;
      await store.close();
    } catch (error) {
      // A store that never opened has nothing to close; a failed close leaks at most one pool.
      this.logger?.warn({ tenantId, error: describeError(error) }, 'could not close tenant database pool');
    }
  }

  private startSweeper(): void {
    if (this.sweeper !== undefined || this.sweepEveryMs <= 0) return;
    this.sweeper = setInterval(() => void this.closeIdle(), this.sweepEveryMs);
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    if (this.sweeper === undefined) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
