import type { OutboundMessageStore } from '@wagw/core/ports';
import type { RunTenant } from './collect-batch';
import { collectBatch } from './collect-batch';
import type { CollectorDependencies } from './collector-dependencies';
import { failureFields } from './errors';

/**
 * Why a tenant's run ended: its deadline came, the tenant is not (or no longer) known, a publish failed
 * leaving rows ambiguous (see pollUntil), or something failed (logged).
 */
export type RunEnd = 'deadline' | 'unknown-tenant' | 'publish-ambiguous' | 'error';

export interface CollectSummary {
  /** Rows leased, over every poll. */
  leased: number;
  /** Rows SQS confirmed, marked 'queued'. */
  queued: number;
  /** Rows of a publish call that threw, marked 'queued' as well (SQS may have them; if not, the reaper requeues them). */
  ambiguous: number;
  /** Rows that cannot be sent, marked 'failed' (bad message, empty recipient, foreign channel, attempts used up…). */
  failed: number;
  /** Rows certainly not queued: their lease was undone, for the same attempt next time. */
  released: number;
  /** Rows that could not be marked 'failed' (logged): leased again once their lease ends. */
  leftLeased: number;
  /** Expired 'queued' leases the reaper gave back to 'pending' or failed for good. */
  reaped: number;
  /** Lease statements run. */
  polls: number;
  stoppedBy: RunEnd;
}

type Deps = Omit<CollectorDependencies, 'launcher'>;

/**
 * Polls the tenant's table until the deadline: while leases bring rows, straight on; while they are
 * empty (or the queue refuses rows), pauses of idleMinMs doubling up to idleMaxMs, never past the deadline.
 * A publish that leaves rows ambiguous ends the run: each ambiguous row waits for the reaper (lease +
 * grace), so while SQS is failing that way, at most one batch per run is put in that state.
 */
const pollUntil = async (deps: Deps, run: RunTenant, store: OutboundMessageStore, deadline: number, summary: CollectSummary): Promise<void> => {
  const { clock, settings } = deps;
  const remaining = () => deadline - clock.now().getTime();
  let pauseMs = settings.idleMinMs;
  while (remaining() > 0) {
    const rows = await store.leaseDueMessages({ limit: settings.batchSize, now: clock.now(), leaseSeconds: settings.leaseSeconds });
    summary.polls += 1;
    summary.leased += rows.length;
    if (rows.length > 0) {
      const outcome = await collectBatch(deps, run, store, rows);
      summary.queued += outcome.queued;
      summary.ambiguous += outcome.ambiguous;
      summary.failed += outcome.failed;
      summary.released += outcome.released;
      summary.leftLeased += outcome.leftLeased;
      if (outcome.ambiguous > 0) {
        summary.stoppedBy = 'publish-ambiguous';
        return;
      }
      if (outcome.released === 0 && !outcome.publishFailed) {
        pauseMs = settings.idleMinMs;
        continue;
      }
    }
    const pause = Math.min(pauseMs, remaining());
    if (pause <= 0) break;
    await deps.sleep(pause);
    pauseMs = Math.min(pauseMs * 2, settings.idleMaxMs);
  }
};

/**
 * One tenant's collect run: reap expired leases once, then lease → check → enqueue → mark until
 * `deadline`. Never throws: a tenant database that is down (or any other failure) ends this tenant's
 * run with a logged error and touches no other tenant.
 */
export const collectTenant = async (deps: Deps, tenantId: string, deadline: Date): Promise<CollectSummary> => {
  const { clock, logger, settings } = deps;
  const summary: CollectSummary = { leased: 0, queued: 0, ambiguous: 0, failed: 0, released: 0, leftLeased: 0, reaped: 0, polls: 0, stoppedBy: 'deadline' };
  try {
    const tenant = (await deps.credentials.listTenants()).find((candidate) => candidate.tenantId === tenantId);
    if (tenant === undefined) {
      logger.warn({ tenantId }, 'no such tenant; nothing collected');
      return { ...summary, stoppedBy: 'unknown-tenant' };
    }
    const store = await deps.stores.forTenant(tenantId);
    const now = clock.now();
    // The grace keeps a row whose send result is still on its way (status-events backlog, tenant database down) from being sent again.
    const expiredBefore = new Date(now.getTime() - settings.reapGraceSeconds * 1000);
    const reaped = await store.reapExpiredLeases({ now, expiredBefore, maxAttempts: settings.maxAttempts });
    summary.reaped = reaped.requeued + reaped.failed;
    if (summary.reaped > 0) logger.info({ tenantId, requeued: reaped.requeued, exhausted: reaped.failed }, 'expired leases reaped');
    await pollUntil(deps, { summary: tenant, refresh: 'not-asked' }, store, deadline.getTime(), summary);
  } catch (error) {
    summary.stoppedBy = 'error';
    logger.error({ tenantId, ...summary, ...failureFields(error) }, 'tenant collect run failed');
    return summary;
  }
  // An idle run is the common case (one per tenant per schedule tick): logged only at debug.
  const idle = summary.leased === 0 && summary.reaped === 0;
  (idle ? logger.debug.bind(logger) : logger.info.bind(logger))({ tenantId, ...summary }, 'tenant collect run ended');
  return summary;
};
