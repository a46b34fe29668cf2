import { InboundQueueEventV1 } from '@wagw/contracts';
import { parseQueueBody } from '@wagw/runtime/queue-body';

/** An inbound-events.fifo body as its contract; anything else is a MalformedEventError (retried, then dead-lettered). */
export const parseInboundEvent = (body: string): InboundQueueEventV1 => parseQueueBody(InboundQueueEventV1, body, 'inbound event');
