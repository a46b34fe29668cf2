import type { OutboundMessageEventV1, TenantSummaryV1 } from '@wagw/contracts';
import type { LeasedOutboundRow, OutboundMessageStore, OutboundRowRef } from '@wagw/core/ports';
import type { CollectorDependencies } from './collector-dependencies';
import { failureFields } from './errors';
import { outboundQueueMessage } from './outbound-queue-message';
import { validateOutboundRow } from './validate-outbound-row';

/** Why a tenant's run ended: its deadline came, the tenant is not (or no longer) known, or something failed (logged). */
export type RunEnd = 'deadline' | 'unknown-tenant' | 'error';

export interface CollectSummary {
  /** Rows leased, over every poll. */
  leased: number;
  /** Rows put on outbound-messages and marked 'queued'. */
  queued: number;
  /** Rows that cannot be sent, marked 'failed' (bad message, empty recipient, foreign channel…). */
  failed: number;
  /** Rows whose enqueue failed: their lease was undone, for the same attempt next time. */
  released: number;
  /** Expired 'queued' leases the reaper gave back to 'pending' or failed for good. */
  reaped: number;
  /** Lease statements run. */
  polls: number;
  stoppedBy: RunEnd;
}

interface BatchOutcome {
  queued: number;
  failed: number;
  released: number;
}

type Deps = Omit<CollectorDependencies, 'launcher'>;

const refOf = (event: OutboundMessageEventV1): OutboundRowRef => ({ id: event.rowId, attempt: event.attempt });

/**
 * One poll's rows: the invalid ones are failed (they never hold up the rows behind them), the valid ones
 * go on the queue in id order in one publish, then are marked 'queued'. When the publish fails, every
 * lease of the batch is undone, so the next lease takes the same rows under the same attempt and SQS
 * drops the copies that did get through.
 */
const collectBatch = async (deps: Deps, tenant: TenantSummaryV1, store: OutboundMessageStore, rows: LeasedOutboundRow[]): Promise<BatchOutcome> => {
  const { clock, logger } = deps;
  const now = clock.now();
  const valid: OutboundMessageEventV1[] = [];
  let failed = 0;
  for (const row of rows) {
    const result = validateOutboundRow(tenant, row, now);
    if (result.ok) {
      valid.push(result.event);
      continue;
    }
    await store.failOutboundMessage({ id: row.id, attempt: row.attempt }, result.failure, now);
    failed += 1;
    logger.warn({ tenantId: tenant.tenantId, rowId: row.id, attempt: row.attempt, code: result.failure.code }, 'outbound row cannot be sent');
  }
  if (valid.length === 0) return { queued: 0, failed, released: 0 };

  const refs = valid.map(refOf);
  try {
    await deps.publisher.publish('outbound-messages', valid.map(outboundQueueMessage));
  } catch (error) {
    logger.warn({ tenantId: tenant.tenantId, rows: refs.length, ...failureFields(error) }, 'outbound rows not queued; leases released');
    await store.releaseLeases(refs, clock.now());
    return { queued: 0, failed, released: refs.length };
  }
  await store.markQueued(refs, clock.now());
  return { queued: refs.length, failed, released: 0 };
};

/**
 * Polls the tenant's table until the deadline: while leases bring rows, straight on; while they are
 * empty (or the queue refuses them), pauses of idleMinMs doubling up to idleMaxMs, never past the deadline.
 */
const pollUntil = async (deps: Deps, tenant: TenantSummaryV1, store: OutboundMessageStore, deadline: number, summary: CollectSummary): Promise<void> => {
  const { clock, settings } = deps;
  const remaining = () => deadline - clock.now().getTime();
  let pauseMs = settings.idleMinMs;
  while (remaining() > 0) {
    const rows = await store.leaseDueMessages({ limit: settings.batchSize, now: clock.now(), leaseSeconds: settings.leaseSeconds });
    summary.polls += 1;
    summary.leased += rows.length;
    if (rows.length > 0) {
      const outcome = await collectBatch(deps, tenant, store, rows);
      summary.queued += outcome.queued;
      summary.failed += outcome.failed;
      summary.released += outcome.released;
      if (outcome.released === 0) {
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
 * One tenant's collect run: reap expired leases once, then lease → validate → enqueue → mark until
 * `deadline`. Never throws: a tenant database that is down (or any other failure) ends this tenant's
 * run with a logged error and touches no other tenant.
 */
export const collectTenant = async (deps: Deps, tenantId: string, deadline: Date): Promise<CollectSummary> => {
  const { clock, logger, settings } = deps;
  const summary: CollectSummary = { leased: 0, queued: 0, failed: 0, released: 0, reaped: 0, polls: 0, stoppedBy: 'deadline' };
  try {
    const tenant = (await deps.credentials.listTenants()).find((candidate) => candidate.tenantId === tenantId);
    if (tenant === undefined) {
      logger.warn({ tenantId }, 'no such tenant; nothing collected');
      return { ...summary, stoppedBy: 'unknown-tenant' };
    }
    const store = await deps.stores.forTenant(tenantId);
    const reaped = await store.reapExpiredLeases({ now: clock.now(), maxAttempts: settings.maxAttempts });
    summary.reaped = reaped.requeued + reaped.failed;
    if (summary.reaped > 0) logger.info({ tenantId, requeued: reaped.requeued, exhausted: reaped.failed }, 'expired leases reaped');
    await pollUntil(deps, tenant, store, deadline.getTime(), summary);
  } catch (error) {
    summary.stoppedBy = 'error';
    logger.error({ tenantId, ...summary, ...failureFields(error) }, 'tenant collect run failed');
    return summary;
  }
  logger.info({ tenantId, ...summary }, 'tenant collect run ended');
  return summary;
};
