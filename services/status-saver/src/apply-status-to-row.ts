import { outboundStatusForReceipt } from '@wagw/contracts';
import type { StatusEventRow, StatusStore } from '@wagw/core/ports';

/** 'event-only': a provider status with no row status (Whapi 'pending'/'deleted', anything unfamiliar). */
export type ReceiptOutcome = 'applied' | 'unchanged' | 'no-row' | 'event-only';

/**
 * Moves the row carrying the event's provider message id forward to the event's row status, if that
 * ranks higher (one conditional UPDATE in the store). Shared by receipts and the send result's catch-up.
 */
export const applyStatusToRow = async (store: StatusStore, event: StatusEventRow, now: Date): Promise<ReceiptOutcome> => {
  const status = outboundStatusForReceipt(event.status);
  if (status === undefined) return 'event-only';
  return store.applyReceipt({
    provider: event.provider,
    providerMessageId: event.providerMessageId,
    status,
    occurredAt: event.occurredAt,
    errorCode: event.errorCode,
    errorMessage: event.errorMessage,
    now,
  });
};
