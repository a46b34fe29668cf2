import { TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type { Clock, InboundMessageStore, TenantStores } from '@wagw/core/ports';

/** How long a tenant database found unavailable is not tried again. */
export const DEFAULT_FAIL_FAST_MS = 5_000;

export interface FailFastOptions {
  clock: Clock;
  windowMs?: number;
}

/**
 * TenantStores that remembers a tenant database found unavailable: for `windowMs` that tenant's
 * records fail at once (TenantDatabaseUnavailableError, retried later by the queue) instead of each
 * waiting out its own connect or query timeout. One dead database then costs a batch one timeout,
 * and the other tenants' records in the batch are written within the function timeout.
 */
export class FailFastTenantStores implements TenantStores {
  private readonly down = new Map<string, { until: number; error: TenantDatabaseUnavailableError }>();
  private readonly clock: Clock;
  private readonly windowMs: number;

  constructor(
    private readonly inner: TenantStores,
    options: FailFastOptions,
  ) {
    this.clock = options.clock;
    this.windowMs = options.windowMs ?? DEFAULT_FAIL_FAST_MS;
  }

  async forTenant(tenantId: string): Promise<InboundMessageStore> {
    const store = await this.guard(tenantId, () => this.inner.forTenant(tenantId));
    return {
      insertInboundMessage: (row) => this.guard(tenantId, () => store.insertInboundMessage(row)),
      applyMediaOutcome: (key, outcome) => this.guard(tenantId, () => store.applyMediaOutcome(key, outcome)),
    };
  }

  private async guard<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const down = this.down.get(tenantId);
    if (down !== undefined && now < down.until) throw new TenantDatabaseUnavailableError(tenantId, down.error);
    if (down !== undefined) this.down.delete(tenantId);
    try {
      return await work();
    } catch (error) {
      if (error instanceof TenantDatabaseUnavailableError) {
        this.down.set(tenantId, { until: this.clock.now().getTime() + this.windowMs, error });
      }
      throw error;
    }
  }
}
