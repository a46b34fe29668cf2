import type { Clock, StatusStore, TenantStores } from '@wagw/core/ports';

/** The ports the status-saver's use cases need (real adapters in dependencies.ts, fakes in tests). */
export interface StatusSaverDependencies {
  stores: TenantStores<StatusStore>;
  clock: Clock;
}
