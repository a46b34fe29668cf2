import { OutboundMessageEventV1 } from '@wagw/contracts';
import { parseQueueBody } from '@wagw/runtime/queue-body';

/** An outbound-messages.fifo body as its contract; anything else is a MalformedEventError (retried, then dead-lettered). */
export const parseOutboundEvent = (body: string): OutboundMessageEventV1 => parseQueueBody(OutboundMessageEventV1, body, 'outbound message');
