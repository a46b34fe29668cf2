import type { ReceiptEventV1 } from '@wagw/contracts';
import type { Logger } from '@wagw/runtime/logger';
import { applyStatusToRow, type ReceiptOutcome } from './apply-status-to-row';
import { reconcileSentMessage } from './reconcile-sent-message';
import { receiptEventRow } from './status-event-row';
import type { StatusSaverDependencies } from './status-saver-dependencies';

/**
 * Saves one provider receipt: the event first (committed on its own), then the row update. Recording
 * first is what lets a send result landing at the same time find this receipt (see README). 'no-row'
 * is an outcome, not an error: the message was not sent by the gateway, or its send result has not
 * landed yet and will apply this receipt when it does. A Meta receipt whose callback data names the
 * row attempt claims that row instead (reconcileSentMessage): after an unknown send outcome no send
 * result ever brings the wamid.
 */
export const applyReceipt = async (deps: StatusSaverDependencies, event: ReceiptEventV1, logger: Logger): Promise<ReceiptOutcome> => {
  const store = await deps.stores.forTenant(event.tenantId);
  const row = receiptEventRow(event);
  const recorded = await store.recordStatusEvent(row);
  const now = deps.clock.now();
  const applied = await applyStatusToRow(store, row, now);
  const outcome = applied === 'no-row' ? await reconcileSentMessage(store, event, row, now, logger) : applied;
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
