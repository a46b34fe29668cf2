import type { TenantSummaryV1 } from '@wagw/contracts';
import type { LeasedOutboundRow, OutboundMessageStore, OutboundRowRef } from '@wagw/core/ports';
import type { CollectorDependencies } from './collector-dependencies';
import { failureFields } from './errors';
import type { PreparedRow } from './prepare-outbound-row';
import { prepareOutboundRow } from './prepare-outbound-row';
import { reportedPublishOutcome } from './publish-failure';

export type BatchDeps = Pick<CollectorDependencies, 'credentials' | 'publisher' | 'clock' | 'logger' | 'settings'>;

/**
 * The tenant as this run knows it. Asked of the broker again (after dropping the cached answers) at
 * most once per run, when a row names a channel the known list lacks: a channel onboarded since the
 * list was cached must not fail its first messages.
 */
export interface RunTenant {
  summary: TenantSummaryV1;
  refresh: 'not-asked' | 'asked' | 'unavailable';
}

export interface BatchOutcome {
  /** Rows SQS confirmed, marked 'queued'. */
  queued: number;
  /** Rows of a publish call that threw: marked 'queued' too; if SQS did not take them, the reaper requeues them. */
  ambiguous: number;
  failed: number;
  /** Rows certainly not on the queue, whose lease was undone for the same attempt next time. */
  released: number;
  /** Rows that could not be marked 'failed' (logged): leased again once their lease ends. */
  leftLeased: number;
  publishFailed: boolean;
}

type Rejected = Extract<PreparedRow, { ok: false }>;
type Ready = Extract<PreparedRow, { ok: true }>;

const isUnknownChannel = (row: PreparedRow): row is Rejected => !row.ok && row.failure.code === 'UNKNOWN_CHANNEL';
const refsOf = (rows: readonly PreparedRow[]): OutboundRowRef[] => rows.map((row) => row.ref);

const refreshTenant = async (deps: BatchDeps, run: RunTenant): Promise<void> => {
  const { tenantId } = run.summary;
  deps.credentials.invalidate();
  try {
    const fresh = (await deps.credentials.listTenants()).find((candidate) => candidate.tenantId === tenantId);
    run.refresh = 'asked';
    if (fresh !== undefined) run.summary = fresh;
  } catch (error) {
    run.refresh = 'unavailable';
    deps.logger.warn({ tenantId, ...failureFields(error) }, 'tenant list not refreshed; rows on unknown channels stay pending');
  }
};

/** Fails each rejected row; a row whose failing throws is logged and left to its lease, the others go on. */
const failRows = async (deps: BatchDeps, tenantId: string, store: OutboundMessageStore, rows: readonly Rejected[], now: Date) => {
  let failed = 0;
  let leftLeased = 0;
  for (const { ref, failure } of rows) {
    try {
      await store.failOutboundMessage(ref, failure, now);
    } catch (error) {
      leftLeased += 1;
      deps.logger.error({ tenantId, rowId: ref.id, attempt: ref.attempt, rowCode: failure.code, ...failureFields(error) }, 'outbound row could not be failed; left to its lease');
      continue;
    }
    failed += 1;
    deps.logger.warn({ tenantId, rowId: ref.id, attempt: ref.attempt, code: failure.code }, 'outbound row cannot be sent');
  }
  return { failed, leftLeased };
};

/**
 * Publishes the ready rows in id order and marks them 'queued'. When the publish fails part-way, only
 * the rows certainly not on the queue are released (same attempt next time); the confirmed and the
 * ambiguous ones are marked 'queued', since releasing a row SQS did take would, once the deduplication
 * window has passed, send it twice. An ambiguous row SQS did not take is requeued by the reaper.
 */
const publishRows = async (deps: BatchDeps, tenantId: string, store: OutboundMessageStore, rows: readonly Ready[]) => {
  const { clock, logger } = deps;
  try {
    await deps.publisher.publish('outbound-messages', rows.map((row) => row.message));
  } catch (error) {
    const reported = reportedPublishOutcome(error);
    const notQueued = rows.filter((row) => reported.notQueued.has(row.message.deduplicationId));
    const onQueue = rows.filter((row) => !reported.notQueued.has(row.message.deduplicationId));
    const confirmed = onQueue.filter((row) => reported.queued.has(row.message.deduplicationId)).length;
    if (onQueue.length > 0) await store.markQueued(refsOf(onQueue), clock.now());
    if (notQueued.length > 0) await store.releaseLeases(refsOf(notQueued), clock.now());
    logger.warn(
      { tenantId, rows: rows.length, queued: confirmed, ambiguous: onQueue.length - confirmed, released: notQueued.length, ...failureFields(error) },
      'outbound publish failed; only rows not on the queue released',
    );
    return { queued: confirmed, ambiguous: onQueue.length - confirmed, released: notQueued.length, publishFailed: true };
  }
  await store.markQueued(refsOf(rows), clock.now());
  return { queued: rows.length, ambiguous: 0, released: 0, publishFailed: false };
};

/**
 * One poll's rows: each is checked on its own (a bad or exhausted row is failed and never holds up the
 * rows behind it), then the ready ones go on the queue in one publish. Rows on a channel the tenant
 * list lacks are failed only once the broker, asked again, confirms it; while it cannot be asked they
 * stay pending (lease undone).
 */
export const collectBatch = async (deps: BatchDeps, run: RunTenant, store: OutboundMessageStore, rows: readonly LeasedOutboundRow[]): Promise<BatchOutcome> => {
  const now = deps.clock.now();
  const prepare = (row: LeasedOutboundRow) => prepareOutboundRow(run.summary, row, now, deps.settings.maxAttempts);
  let prepared = rows.map(prepare);
  if (run.refresh === 'not-asked' && prepared.some(isUnknownChannel)) {
    await refreshTenant(deps, run);
    const before = prepared;
    prepared = rows.map((row, index) => {
      const earlier = before[index];
      return earlier === undefined || isUnknownChannel(earlier) ? prepare(row) : earlier;
    });
  }
  const unconfirmed = run.refresh === 'unavailable' ? prepared.filter(isUnknownChannel) : [];
  const rejected = prepared.filter((entry): entry is Rejected => !entry.ok && !unconfirmed.includes(entry));
  const ready = prepared.filter((entry): entry is Ready => entry.ok);

  const { tenantId } = run.summary;
  const { failed, leftLeased } = await failRows(deps, tenantId, store, rejected, now);
  if (unconfirmed.length > 0) await store.releaseLeases(refsOf(unconfirmed), now);
  const published = ready.length > 0 ? await publishRows(deps, tenantId, store, ready) : { queued: 0, ambiguous: 0, released: 0, publishFailed: false };
  return { ...published, released: published.released + unconfirmed.length, failed, leftLeased };
};
