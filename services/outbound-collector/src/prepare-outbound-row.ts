import type { TenantSummaryV1 } from '@wagw/contracts';
import { errorName } from '@wagw/core/errors';
import type { LeasedOutboundRow, OutboundRowRef, QueueMessage } from '@wagw/core/ports';
import { outboundQueueMessage } from './outbound-queue-message';
import type { RowFailure } from './validate-outbound-row';
import { validateOutboundRow } from './validate-outbound-row';

/** Why a leased row is failed instead of queued: a check of validateOutboundRow, or too many attempts. */
export interface RowRejection {
  code: RowFailure['code'] | 'SEND_ATTEMPTS_EXHAUSTED';
  message: string;
}

export type PreparedRow =
  | { ok: true; ref: OutboundRowRef; message: QueueMessage }
  | { ok: false; ref: OutboundRowRef; failure: RowRejection };

/**
 * One leased row made ready for the queue, or the reason it is failed. Never throws: a row whose check
 * or serialisation throws (a value nobody foresaw) is failed as INVALID_MESSAGE on its own, so it
 * cannot end the run and hold up every other row of the tenant.
 */
export const prepareOutboundRow = (tenant: TenantSummaryV1, row: LeasedOutboundRow, now: Date, maxAttempts: number): PreparedRow => {
  const ref: OutboundRowRef = { id: row.id, attempt: row.attempt };
  // Leases that ended without a queue (a run that died, a row that could not be failed) count too.
  if (row.attempt > maxAttempts) {
    return {
      ok: false,
      ref,
      failure: { code: 'SEND_ATTEMPTS_EXHAUSTED', message: `gave up after ${maxAttempts} attempts: leased again as attempt ${row.attempt}` },
    };
  }
  try {
    const result = validateOutboundRow(tenant, row, now);
    if (!result.ok) return { ok: false, ref, failure: result.failure };
    return { ok: true, ref, message: outboundQueueMessage(result.event) };
  } catch (error) {
    // Only the error's class: its text may quote the row's content.
    return { ok: false, ref, failure: { code: 'INVALID_MESSAGE', message: `the row could not be turned into a queue message (${errorName(error)})` } };
  }
};
