import type { DatabaseSettingsV1 } from '@wagw/contracts';
import type { TenantStore, TenantStoreOptions } from './tenant-store';

type Engine = DatabaseSettingsV1['engine'];
type SettingsFor<E extends Engine> = Extract<DatabaseSettingsV1, { engine: E }>;
type OpenStore<E extends Engine> = (settings: SettingsFor<E>, options: TenantStoreOptions) => Promise<TenantStore>;

/**
 * One line per dialect. Each adapter module is imported only when a tenant on that engine is opened,
 * so a bundle serving PostgreSQL tenants never loads `mssql` (or PGlite's WebAssembly).
 */
const adapters: { [E in Engine]: OpenStore<E> } = {
  postgres: async (settings, options) => new (await import('./postgres-tenant-store')).PostgresTenantStore(settings, options),
  pglite: async (settings, options) => (await import('./pglite-tenant-store')).PgliteTenantStore.open(settings, options),
  mssql: async (settings, options) => (await import('./mssql-tenant-store')).MssqlTenantStore.open(settings, options),
};

/** Opens the store for a tenant database with the adapter of its engine. */
export const createTenantStore = (settings: DatabaseSettingsV1, options: TenantStoreOptions = {}): Promise<TenantStore> =>
  (adapters[settings.engine] as OpenStore<Engine>)(settings, options);
