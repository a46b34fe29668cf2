import type { StatusQueueEventV1 } from '@wagw/contracts';
import type { Logger } from '@wagw/runtime/logger';
import { applyReceipt } from './apply-receipt';
import type { ReceiptOutcome } from './apply-status-to-row';
import { applySendResult, type SendResultOutcome } from './apply-send-result';
import type { StatusSaverDependencies } from './status-saver-dependencies';

export type { StatusSaverDependencies } from './status-saver-dependencies';

export type SaveStatusOutcome = ReceiptOutcome | SendResultOutcome;

/**
 * The use case for one status-events.fifo record: a provider receipt or the sender's result for a row
 * attempt, written to the tenant's database. Whatever throws is retried (then dead-lettered).
 */
export const saveStatusEvent = (deps: StatusSaverDependencies, event: StatusQueueEventV1, logger: Logger): Promise<SaveStatusOutcome> => {
  switch (event.schema) {
    case 'receipt.v1':
      return applyReceipt(deps, event, logger);
    case 'send-result.v1':
      return applySendResult(deps, event, logger);
  }
};
