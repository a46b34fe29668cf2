import type { ReceiptEventV1 } from '@wagw/contracts';
import type { StatusEventRow, StatusStore } from '@wagw/core/ports';
import type { Logger } from '@wagw/runtime/logger';
import { applyStatusToRow, type ReceiptOutcome } from './apply-status-to-row';
import { rowAttemptOf } from './callback-data';

/**
 * A receipt whose wamid is on no row, but whose callback data names the row attempt it was sent as
 * (Meta echoes `biz_opaque_callback_data = outbound:{rowId}:{attempt}`; Whapi has no equivalent): the
 * provider did accept that attempt. Its wamid is put on the row if the row still waits for a send
 * result or ended with an unknown outcome (claimSentMessage), then the receipt is applied again;
 * 'applied' when the claim took the row.
 *
 * The receipt is applied again even when the claim changed nothing: another receipt of the same wamid
 * may have claimed the row a moment earlier, and this one must still land on it. When the row is
 * someone else's (another attempt, a real failure, another wamid) that second update finds no row.
 */
export const reconcileSentMessage = async (
  store: StatusStore,
  event: ReceiptEventV1,
  eventRow: StatusEventRow,
  now: Date,
  logger: Logger,
): Promise<ReceiptOutcome> => {
  const named = event.provider === 'meta' ? rowAttemptOf(event.item.biz_opaque_callback_data) : undefined;
  if (named === undefined) return 'no-row';
  const claim = await store.claimSentMessage({
    row: named,
    provider: event.provider,
    channelId: event.channelId,
    providerMessageId: event.providerMessageId,
    occurredAt: eventRow.occurredAt,
    now,
  });
  const reapplied = await applyStatusToRow(store, eventRow, now);
  logger.info(
    {
      tenantId: event.tenantId,
      provider: event.provider,
      channelId: event.channelId,
      providerMessageId: event.providerMessageId,
      rowId: named.id,
      attempt: named.attempt,
      status: event.status,
      claim,
      outcome: reapplied,
    },
    claim === 'claimed' ? 'sent message reconciled from a receipt' : 'callback data named a row attempt, not claimed',
  );
  // A 'sent' receipt that claimed the row is 'unchanged' by its own status, yet it moved the row.
  return claim === 'claimed' ? 'applied' : reapplied;
};
