import type { CollectorDependencies } from './collector-dependencies';
import { failureFields } from './errors';

export interface FanOutSummary {
  tenants: number;
  launched: number;
  /** Tenants whose run could not be started (each logged); the next schedule tries again. */
  notLaunched: string[];
}

/**
 * The schedule's run: one collect run per tenant, each in its own invocation, so a slow or dead tenant
 * database never delays another tenant. A launch that fails is logged and does not stop the others.
 */
export const fanOutTenants = async (deps: Pick<CollectorDependencies, 'credentials' | 'launcher' | 'logger'>): Promise<FanOutSummary> => {
  const { logger } = deps;
  let tenantIds: string[];
  try {
    tenantIds = (await deps.credentials.listTenants()).map((tenant) => tenant.tenantId);
  } catch (error) {
    logger.error(failureFields(error), 'tenant list unavailable; no collect run started');
    return { tenants: 0, launched: 0, notLaunched: [] };
  }

  const results = await Promise.allSettled(tenantIds.map((tenantId) => deps.launcher.launch(tenantId)));
  const notLaunched: string[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const tenantId = tenantIds[index] ?? '';
    notLaunched.push(tenantId);
    logger.error({ tenantId, ...failureFields(result.reason) }, 'tenant collect run not started');
  });
  const summary = { tenants: tenantIds.length, launched: tenantIds.length - notLaunched.length, notLaunched };
  logger.debug({ tenants: summary.tenants, launched: summary.launched, notLaunched: notLaunched.length }, 'tenant collect runs started');
  return summary;
};
