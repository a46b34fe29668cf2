import { TenantDatabaseUnavailableError } from '@wagw/core/errors';
import type { Clock, TenantStores } from '@wagw/core/ports';

/** How long a tenant database found unavailable is not tried again. */
export const DEFAULT_FAIL_FAST_MS = 5_000;

export interface FailFastOptions {
  clock: Clock;
  windowMs?: number;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Stores whose every method returns a promise: the guard answers a down tenant with a rejected
 * promise, so a synchronous method would change its type.
 */
export type AsyncStore<S> = {
  [K in keyof S]: S[K] extends (...args: infer _A) => infer R ? (R extends PromiseLike<unknown> ? S[K] : never) : S[K];
};

/**
 * TenantStores that remembers a tenant database found unavailable: for `windowMs` that tenant's
 * calls fail at once (TenantDatabaseUnavailableError, retried later by the queue) instead of each
 * waiting out its own connect or query timeout. One dead database then costs a batch one timeout,
 * and the other tenants' records in the batch are handled within the function timeout.
 *
 * Works for any store shape (inbound, outbound, status): every function-valued property of the store
 * is guarded the same way; other properties pass through.
 */
export class FailFastTenantStores<S extends object & AsyncStore<S>> implements TenantStores<S> {
  private readonly down = new Map<string, { until: number; error: TenantDatabaseUnavailableError }>();
  private readonly clock: Clock;
  private readonly windowMs: number;

  constructor(
    private readonly inner: TenantStores<S>,
    options: FailFastOptions,
  ) {
    this.clock = options.clock;
    this.windowMs = options.windowMs ?? DEFAULT_FAIL_FAST_MS;
  }

  async forTenant(tenantId: string): Promise<S> {
    const store = await this.guard(tenantId, () => this.inner.forTenant(tenantId));
    return this.guarded(tenantId, store);
  }

  private guarded(tenantId: string, store: S): S {
    const wrappers = new Map<PropertyKey, { original: AnyFunction; wrapper: AnyFunction }>();
    return new Proxy(store, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const original = value as AnyFunction;
        const known = wrappers.get(property);
        if (known !== undefined && known.original === original) return known.wrapper;
        // Called on the store itself, not the proxy: class methods may use private fields.
        const wrapper: AnyFunction = (...args) => this.guard(tenantId, async () => original.apply(target, args));
        wrappers.set(property, { original, wrapper });
        return wrapper;
      },
    });
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
