import { OUTBOUND_STATUS_RANK, outboundStatusForReceipt, type SendResultEventV1 } from '@wagw/contracts';
import type { SendResultUpdate, StatusEventRow, StatusStore } from '@wagw/core/ports';
import type { Logger } from '@wagw/runtime/logger';
import { applyStatusToRow } from './apply-status-to-row';
import { sendResultEventRow } from './status-event-row';
import type { StatusSaverDependencies } from './status-saver-dependencies';

export type SendResultOutcome = 'applied' | 'stale';

/** The row update of a send result; an ambiguous ('unknown') send leaves the row 'failed' with its code. */
export const toSendResultUpdate = (event: SendResultEventV1, now: Date): SendResultUpdate => {
  const { outcome, provider, channelId } = event;
  const row = { id: event.rowId, attempt: event.attempt };
  switch (outcome.status) {
    case 'sent':
      return { status: 'sent', row, provider, channelId, providerMessageId: outcome.providerMessageId, at: new Date(outcome.acceptedAt), now };
    case 'failed':
      return { status: 'failed', row, provider, channelId, code: outcome.code, message: outcome.message, at: new Date(outcome.failedAt), now };
    case 'unknown':
      return { status: 'failed', row, provider, channelId, code: outcome.code, message: outcome.message, at: new Date(outcome.at), now };
  }
};

/** Row rank of an event's status; statuses with no row status sort last (they are skipped anyway). */
const rankOf = (event: StatusEventRow): number => {
  const status = outboundStatusForReceipt(event.status);
  return status === undefined ? Number.MAX_SAFE_INTEGER : OUTBOUND_STATUS_RANK[status];
};

/**
 * Applies the receipts recorded for this wamid before its send result landed (they found no row).
 * Lowest rank first, so an early 'delivered' keeps its own time even if 'read' was recorded before it.
 * The 'sent' event is skipped: the send result itself just wrote it.
 */
const catchUpReceipts = async (
  store: StatusStore,
  event: SendResultEventV1,
  providerMessageId: string,
  now: Date,
  logger: Logger,
): Promise<void> => {
  const recorded = await store.listStatusEvents(event.provider, providerMessageId);
  const inRankOrder = [...recorded].sort((a, b) => rankOf(a) - rankOf(b));
  for (const receipt of inRankOrder) {
    if (receipt.status === 'sent') continue;
    const outcome = await applyStatusToRow(store, receipt, now);
    if (outcome === 'event-only') continue;
    logger.info(
      { tenantId: event.tenantId, provider: event.provider, providerMessageId, rowId: event.rowId, status: receipt.status, outcome },
      'earlier receipt applied',
    );
  }
};

/**
 * Saves one send result: the row update first (committed on its own), then the event, then — for a
 * 'sent' result — the receipts that arrived before it. The catch-up also runs when the update was
 * 'stale': a redelivery after a crash between the update and the catch-up must still apply them, and
 * applyReceipt only ever touches the row that carries the wamid.
 */
export const applySendResult = async (deps: StatusSaverDependencies, event: SendResultEventV1, logger: Logger): Promise<SendResultOutcome> => {
  const store = await deps.stores.forTenant(event.tenantId);
  const now = deps.clock.now();
  const outcome = await store.applySendResult(toSendResultUpdate(event, now));
  const eventRow = sendResultEventRow(event, now);
  const recorded = await store.recordStatusEvent(eventRow);
  logger.info(
    {
      tenantId: event.tenantId,
      provider: event.provider,
      channelId: event.channelId,
      rowId: event.rowId,
      attempt: event.attempt,
      providerMessageId: eventRow.providerMessageId,
      status: event.outcome.status,
      outcome,
      event: recorded,
      ...(eventRow.errorCode === null ? {} : { errorCode: eventRow.errorCode }),
    },
    'send result saved',
  );
  if (event.outcome.status === 'sent') await catchUpReceipts(store, event, event.outcome.providerMessageId, now, logger);
  return outcome;
};
