import type { InboundMessageEventV1, Provider, ReceiptEventV1 } from '@wagw/contracts';
import { conversationGroupId, fifoId } from '@wagw/core/ids';
import type { QueueMessage } from '@wagw/core/ports';
import type { ReceiptFields } from '@wagw/providers/receipt-fields';
import { parkedEntry } from './park-event';
import type { ParkedEntry } from './park-event';

type Item = Record<string, unknown>;

export interface EventBatchOptions {
  provider: Provider;
  archiveKey: string;
  receivedAt: string;
  /** Whapi: sha256 of the presented X-Gateway-Secret, kept on parked events for the replay check. */
  presentedSecretSha256?: string;
  /** Meta: the app that signed the webhook, kept on parked events for the replay check. */
  signedByMetaAppId?: string;
}

export interface MessageInput {
  channelId: string;
  providerMessageId: string;
  contactId: string;
  item: Item;
  contact?: Item;
}

export interface ReceiptInput extends ReceiptFields {
  channelId: string;
  contactId: string;
  item: Item;
}

export interface BatchCounts {
  messages: number;
  statuses: number;
  parked: number;
}

/**
 * The queue messages and parked events of one webhook. An event of a known tenant goes to its queue
 * in its conversation's group; an event of an unknown channel (tenantId undefined) is parked. The same
 * event twice in one body is kept once (its deduplication id says so).
 */
export class EventBatch {
  readonly inbound: QueueMessage[] = [];
  readonly statuses: QueueMessage[] = [];
  readonly parked: ParkedEntry[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly options: EventBatchOptions) {}

  addMessage(tenantId: string | undefined, input: MessageInput): void {
    const { provider, archiveKey, receivedAt } = this.options;
    const deduplicationId = fifoId('msg', provider, input.channelId, input.providerMessageId);
    const event: Omit<InboundMessageEventV1, 'tenantId'> = {
      schema: 'inbound-message.v1',
      provider,
      channelId: input.channelId,
      providerMessageId: input.providerMessageId,
      contactId: input.contactId,
      item: input.item,
      ...(input.contact === undefined ? {} : { contact: input.contact }),
      archiveKey,
      receivedAt,
    };
    this.add('inbound-events', tenantId, event, deduplicationId);
  }

  addReceipt(tenantId: string | undefined, input: ReceiptInput): void {
    const { provider, archiveKey, receivedAt } = this.options;
    const deduplicationId = fifoId('receipt', provider, input.channelId, input.providerMessageId, input.status);
    const event: Omit<ReceiptEventV1, 'tenantId'> = {
      schema: 'receipt.v1',
      provider,
      channelId: input.channelId,
      providerMessageId: input.providerMessageId,
      contactId: input.contactId,
      status: input.status,
      occurredAt: input.occurredAt,
      ...(input.recipientId === undefined ? {} : { recipientId: input.recipientId }),
      errors: input.errors,
      item: input.item,
      archiveKey,
      receivedAt,
    };
    this.add('status-events', tenantId, event, deduplicationId);
  }

  counts(): BatchCounts {
    return { messages: this.inbound.length, statuses: this.statuses.length, parked: this.parked.length };
  }

  private add(
    queue: 'inbound-events' | 'status-events',
    tenantId: string | undefined,
    event: Omit<InboundMessageEventV1, 'tenantId'> | Omit<ReceiptEventV1, 'tenantId'>,
    deduplicationId: string,
  ): void {
    const seenKey = `${queue}|${deduplicationId}`;
    if (this.seen.has(seenKey)) return;
    this.seen.add(seenKey);

    if (tenantId === undefined) {
      const { provider, receivedAt, presentedSecretSha256, signedByMetaAppId } = this.options;
      this.parked.push(
        parkedEntry({
          provider,
          channelId: event.channelId,
          queue,
          event,
          deduplicationId,
          parkedAt: receivedAt,
          ...(presentedSecretSha256 === undefined ? {} : { presentedSecretSha256 }),
          ...(signedByMetaAppId === undefined ? {} : { signedByMetaAppId }),
        }),
      );
      return;
    }
    const message: QueueMessage = {
      body: JSON.stringify({ ...event, tenantId }),
      groupId: conversationGroupId(tenantId, event.channelId, event.contactId),
      deduplicationId,
    };
    (queue === 'inbound-events' ? this.inbound : this.statuses).push(message);
  }
}
