import type { Clock, CredentialsClient, EventPublisher, OutboundMessageStore, TenantStores } from '@wagw/core/ports';
import type { Logger } from '@wagw/runtime/logger';

/** Starts one tenant's collect run elsewhere (an async self-invoke in AWS); resolves once the run was accepted. */
export interface TenantRunLauncher {
  launch(tenantId: string): Promise<void>;
}

/** Waits; tests pass one that only moves a fake clock. */
export type Sleep = (ms: number) => Promise<void>;

export type CollectorLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface CollectorSettings {
  /** How long one per-tenant run keeps polling. */
  runSeconds: number;
  /** Rows per lease. */
  batchSize: number;
  /** reserved_until = now + leaseSeconds. */
  leaseSeconds: number;
  /** Rows are tried this often: the reaper fails an expired 'queued' row at this attempt, the collector a row leased beyond it. */
  maxAttempts: number;
  /** The reaper takes back a 'queued' row only this long after its lease ended (a late send result still wins). */
  reapGraceSeconds: number;
  /** Idle backoff: the first pause after an empty lease, doubled up to idleMaxMs. */
  idleMinMs: number;
  idleMaxMs: number;
}

/** Every port the collector's use cases take. */
export interface CollectorDependencies {
  credentials: Pick<CredentialsClient, 'listTenants' | 'invalidate'>;
  stores: TenantStores<OutboundMessageStore>;
  publisher: EventPublisher;
  launcher: TenantRunLauncher;
  clock: Clock;
  sleep: Sleep;
  logger: CollectorLogger;
  settings: CollectorSettings;
}
