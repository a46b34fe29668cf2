import type { DatabaseSettingsV1 } from '@wagw/contracts';
import { createTenantStore } from './create-tenant-store';
import type { MigrationResult } from './migration';
import type { TenantStoreOptions } from './tenant-store';

/** Brings a tenant database to the newest schema (idempotent), then closes the connection. */
export const migrateTenantDatabase = async (
  settings: DatabaseSettingsV1,
  options: TenantStoreOptions = {},
): Promise<MigrationResult> => {
  const store = await createTenantStore(settings, options);
  try {
    return await store.migrate();
  } finally {
    await store.close();
  }
};
