import type { OutboundMessageEventV1 } from '@wagw/contracts';
import { conversationGroupId, fifoId } from '@wagw/core/ids';
import type { QueueMessage } from '@wagw/core/ports';

/**
 * The queue message of one row attempt. Group: the conversation, so one recipient's messages keep
 * their order. Deduplication: tenant + row + attempt, so a re-enqueue of the same attempt (after a
 * publish that failed half-way) is dropped by SQS, while a later attempt is not.
 */
export const outboundQueueMessage = (event: OutboundMessageEventV1): QueueMessage => ({
  body: JSON.stringify(event),
  groupId: conversationGroupId(event.tenantId, event.channelId, event.toId),
  deduplicationId: fifoId('outbound', event.tenantId, event.rowId, String(event.attempt)),
});
