import { StatusQueueEventV1 } from '@wagw/contracts';
import { parseQueueBody } from '@wagw/runtime/queue-body';

/**
 * A status-events.fifo body as its contract (a receipt or a send result); anything else is a
 * MalformedEventError (not retryable: the record fails and SQS dead-letters it after maxReceiveCount).
 */
export const parseStatusEvent = (body: string): StatusQueueEventV1 => parseQueueBody(StatusQueueEventV1, body, 'status event');
