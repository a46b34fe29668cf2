import type { RecordProcessor } from '@wagw/runtime/sqs-fifo-batch';
import { parseStatusEvent } from './parse-status-event';
import { saveStatusEvent } from './save-status-event';
import type { StatusSaverDependencies } from './status-saver-dependencies';

/** What the FIFO batch wrapper runs for each status-events.fifo record. */
export const createStatusRecordProcessor =
  (deps: StatusSaverDependencies): RecordProcessor =>
  async (body, context) => {
    await saveStatusEvent(deps, parseStatusEvent(body), context.logger);
  };
