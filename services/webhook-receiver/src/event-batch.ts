import type { InboundMessageEventV1, ParkReason, Provider, ReceiptEventV1 } from '@wagw/contracts';
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
  /** Meta: every app whose secret verifies the signature, kept on parked events for the replay check. */
  signedByMetaAppIds?: readonly string[];
}

/** Where an event goes: its tenant's queue, or the bucket's parked events (and why). */
export type EventRoute = { tenantId: string } | { parkReason: ParkReason };

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
 * in its conversation's group; an event of an unknown or unusable channel is parked with its position
 * in the body. The same event twice in one body is kept once (its deduplication id says so).
 */
export class EventBatch {
  readonly inbound: QueueMessage[] = [];
  readonly statuses: QueueMessage[] = [];
  readonly parked: ParkedEntry[] = [];
  private readonly seen = new Set<string>();
  private sequence = 0;

  constructor(private readonly options: EventBatchOptions) {}

  addMessage(route: EventRoute, input: MessageInput): void {
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
    this.add('inbound-events', route, event, deduplicationId);
  }

  addReceipt(route: EventRoute, input: ReceiptInput): void {
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
    this.add('status-events', route, event, deduplicationId);
  }

  counts(): BatchCounts {
    return { messages: this.inbound.length, statuses: this.statuses.length, parked: this.parked.length };
  }

  private add(
    queue: 'inbound-events' | 'status-events',
    route: EventRoute,
    event: Omit<InboundMessageEventV1, 'tenantId'> | Omit<ReceiptEventV1, 'tenantId'>,
    deduplicationId: string,
  ): void {
    const seenKey = `${queue}|${deduplicationId}`;
    if (this.seen.has(seenKey)) return;
    this.seen.add(seenKey);
    const sequence = this.sequence++;

    if ('parkReason' in route) {
      const { provider, receivedAt, presentedSecretSha256, signedByMetaAppIds } = this.options;
      this.parked.push(
        parkedEntry({
          reason: route.parkReason,
          provider,
          channelId: event.channelId,
          queue,
          event,
          deduplicationId,
          parkedAt: receivedAt,
          sequence,
          ...(presentedSecretSha256 === undefined ? {} : { presentedSecretSha256 }),
          ...(signedByMetaAppIds === undefined ? {} : { signedByMetaAppIds }),
        }),
      );
      return;
    }
    const { tenantId } = route;
    const message: QueueMessage = {
      body: JSON.stringify({ ...event, tenantId }),
      groupId: conversationGroupId(tenantId, event.channelId, event.contactId),
      deduplicationId,
    };
    (queue === 'inbound-events' ? this.inbound : this.statuses).push(message);
  }
}
