import { outboundStatusForReceipt, type ReceiptEventV1 } from '@wagw/contracts';
import type { StatusEventRow, StatusStore } from '@wagw/core/ports';
import type { Logger } from '@wagw/runtime/logger';
import type { StatusSaverDependencies } from './status-saver-dependencies';
import { receiptEventRow } from './status-event-row';

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

/**
 * Saves one provider receipt: the event first (committed on its own), then the row update. Recording
 * first is what lets a send result landing at the same time find this receipt (see README). 'no-row'
 * is an outcome, not an error: the message was not sent by the gateway, or its send result has not
 * landed yet and will apply this receipt when it does.
 */
export const applyReceipt = async (deps: StatusSaverDependencies, event: ReceiptEventV1, logger: Logger): Promise<ReceiptOutcome> => {
  const store = await deps.stores.forTenant(event.tenantId);
  const row = receiptEventRow(event);
  const recorded = await store.recordStatusEvent(row);
  const outcome = await applyStatusToRow(store, row, deps.clock.now());
  logger.info(
    {
      tenantId: event.tenantId,
      provider: event.provider,
      channelId: event.channelId,
      providerMessageId: event.providerMessageId,
      status: event.status,
      outcome,
      event: recorded,
      ...(row.errorCode === null ? {} : { errorCode: row.errorCode }),
    },
    'receipt saved',
  );
  return outcome;
};
