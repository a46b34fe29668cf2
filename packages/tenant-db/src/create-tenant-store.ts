import type { DatabaseSettingsV1 } from '@wagw/contracts';
import { ConfigError } from '@wagw/core';
import type { TenantStore, TenantStoreOptions } from './tenant-store';

type Engine = DatabaseSettingsV1['engine'];
type SettingsFor<E extends Engine> = Extract<DatabaseSettingsV1, { engine: E }>;
type OpenStore<E extends Engine> = (settings: SettingsFor<E>, options: TenantStoreOptions) => Promise<TenantStore>;

const PGLITE_PACKAGE = '@electric-sql/pglite';

/** Node's "cannot find module" error (ESM import or require) for `specifier` itself. */
const isMissingModule = (error: unknown, specifier: string): boolean => {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${specifier}'`);
};

/**
 * The PGlite adapter. Lambda bundles leave PGlite out (it serves local mode only), so there a tenant
 * configured with engine `pglite` is a configuration error, not an outage: permanent, never retried.
 */
const loadPgliteAdapter = async (tenantId: string | undefined) => {
  try {
    return await import('./pglite-tenant-store');
  } catch (error) {
    if (!isMissingModule(error, PGLITE_PACKAGE)) throw error;
    throw new ConfigError(
      `${tenantId === undefined ? 'a tenant' : `tenant ${tenantId}`} has a PGlite database, but PGlite tenant databases exist in local mode ` +
        `only (${PGLITE_PACKAGE} is not deployed here): give the tenant a postgres or mssql database`,
    );
  }
};

/**
 * One line per dialect. Each adapter module is imported only when a tenant on that engine is opened,
 * so a bundle serving PostgreSQL tenants never loads `mssql` (or PGlite's WebAssembly).
 */
const adapters: { [E in Engine]: OpenStore<E> } = {
  postgres: async (settings, options) => new (await import('./postgres-tenant-store')).PostgresTenantStore(settings, options),
  pglite: async (settings, options) => (await loadPgliteAdapter(options.tenantId)).PgliteTenantStore.open(settings, options),
  mssql: async (settings, options) => (await import('./mssql-tenant-store')).MssqlTenantStore.open(settings, options),
};

/** Opens the store for a tenant database with the adapter of its engine. */
export const createTenantStore = (settings: DatabaseSettingsV1, options: TenantStoreOptions = {}): Promise<TenantStore> =>
  (adapters[settings.engine] as OpenStore<Engine>)(settings, options);
