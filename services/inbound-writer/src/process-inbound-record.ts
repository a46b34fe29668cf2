import type { RecordProcessor } from '@wagw/runtime/sqs-fifo-batch';
import type { InboundWriterDependencies } from './inbound-writer-dependencies';
import { parseInboundEvent } from './parse-inbound-event';
import { writeInboundEvent } from './write-inbound-event';

/** What the FIFO batch wrapper runs for each inbound-events.fifo record. */
export const createInboundRecordProcessor =
  (deps: InboundWriterDependencies): RecordProcessor =>
  async (body, context) => {
    await writeInboundEvent(deps, parseInboundEvent(body), context.logger);
  };
