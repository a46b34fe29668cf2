import * as z from 'zod/mini';
import type { CollectorDependencies } from './collector-dependencies';
import type { CollectSummary } from './collect-tenant';
import { collectTenant } from './collect-tenant';
import type { FanOutSummary } from './fan-out-tenants';
import { fanOutTenants } from './fan-out-tenants';

/** The part of the Lambda context the collector reads. */
export interface RunContext {
  getRemainingTimeInMillis?(): number;
}

/** The self-invoke payload that starts one tenant's run. */
export const TenantRunRequest = z.object({ tenantId: z.string().check(z.minLength(1)) });

/** A run ends this long before the function's own timeout, so its last poll can finish and log. */
export const RUN_END_MARGIN_MS = 5_000;

export type CollectorResult =
  | ({ run: 'fan-out' } & FanOutSummary)
  | ({ run: 'tenant'; tenantId: string } & CollectSummary)
  | { run: 'rejected'; reason: string };

/** When a tenant run stops polling: after runSeconds, or earlier when the function would time out first. */
export const runDeadline = (deps: Pick<CollectorDependencies, 'clock' | 'settings'>, context?: RunContext): Date => {
  const start = deps.clock.now().getTime();
  const byRun = start + deps.settings.runSeconds * 1000;
  const remaining = context?.getRemainingTimeInMillis?.();
  const byFunction = remaining === undefined ? byRun : start + remaining - RUN_END_MARGIN_MS;
  return new Date(Math.min(byRun, byFunction));
};

const hasTenantId = (event: unknown): boolean => typeof event === 'object' && event !== null && 'tenantId' in event;

/**
 * The collector's one entry: an event naming a tenant runs that tenant's collect loop; anything else
 * (the schedule) starts one run per tenant. A malformed tenant run request is logged and dropped,
 * never widened into a fan-out.
 */
export const handleCollectorEvent = async (deps: CollectorDependencies, event: unknown, context?: RunContext): Promise<CollectorResult> => {
  if (!hasTenantId(event)) return { run: 'fan-out', ...(await fanOutTenants(deps)) };
  const request = TenantRunRequest.safeParse(event);
  if (!request.success) {
    deps.logger.error({ code: 'EVENT_MALFORMED' }, 'tenant run request without a valid tenantId; ignored');
    return { run: 'rejected', reason: 'tenantId must be a non-empty string' };
  }
  const { tenantId } = request.data;
  return { run: 'tenant', tenantId, ...(await collectTenant(deps, tenantId, runDeadline(deps, context))) };
};
