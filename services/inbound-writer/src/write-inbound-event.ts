import type { InboundQueueEventV1 } from '@wagw/contracts';
import type { Logger } from '@wagw/runtime/logger';
import { applyMediaResult, type ApplyMediaOutcome } from './apply-media-result';
import type { InboundWriterDependencies } from './inbound-writer-dependencies';
import { writeInboundMessage, type WriteMessageOutcome } from './write-inbound-message';

export type { InboundWriterDependencies } from './inbound-writer-dependencies';

export type WriteInboundOutcome = WriteMessageOutcome | ApplyMediaOutcome;

/**
 * The use case for one inbound-events.fifo record: a message is written into its tenant's database,
 * a media result is applied to the row it belongs to. Whatever throws is retried (then dead-lettered).
 */
export const writeInboundEvent = (
  deps: InboundWriterDependencies,
  event: InboundQueueEventV1,
  logger: Logger,
): Promise<WriteInboundOutcome> => {
  switch (event.schema) {
    case 'inbound-message.v1':
      return writeInboundMessage(deps, event, logger);
    case 'media-result.v1':
      return applyMediaResult(deps, event, logger);
  }
};
