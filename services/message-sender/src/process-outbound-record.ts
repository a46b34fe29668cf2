import type { RecordProcessor } from '@wagw/runtime/sqs-fifo-batch';
import type { MessageSenderDependencies } from './message-sender-dependencies';
import { parseOutboundEvent } from './parse-outbound-event';
import { sendMessage } from './send-message';

/** What the FIFO batch wrapper runs for each outbound-messages.fifo record. */
export const createOutboundRecordProcessor =
  (deps: MessageSenderDependencies): RecordProcessor =>
  async (body, context) => {
    await sendMessage(deps, parseOutboundEvent(body), context.logger, context);
  };
