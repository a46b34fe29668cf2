import type { ProviderErrorV1, ReceiptEventV1, SendResultEventV1 } from '@wagw/contracts';
import type { StatusEventRow } from '@wagw/core/ports';

/** `Title: details` of a provider error (Meta's title is short, its details say why), or whichever is present. */
const errorText = (error: ProviderErrorV1): string | null => {
  const parts = [error.title ?? error.message, error.details].filter((part): part is string => part !== undefined && part !== '');
  return parts.length === 0 ? null : parts.join(': ');
};

/** The wa_status_events row of a provider receipt: its status as the provider sent it, its first error. */
export const receiptEventRow = (event: ReceiptEventV1): StatusEventRow => {
  const [firstError] = event.errors;
  return {
    provider: event.provider,
    channelId: event.channelId,
    providerMessageId: event.providerMessageId,
    status: event.status,
    recipientId: event.recipientId ?? null,
    occurredAt: new Date(event.occurredAt),
    errorCode: firstError?.code ?? null,
    errorMessage: firstError === undefined ? null : errorText(firstError),
    raw: event.item,
    outboundMessageId: null,
    receivedAt: new Date(event.receivedAt),
  };
};

/**
 * The key a send result without a provider message id is recorded under: one per row attempt, so a
 * redelivered result is a duplicate and a later attempt's result is a new event.
 */
export const attemptEventId = (rowId: string, attempt: number): string => `outbound:${rowId}:${attempt}`;

/** The wa_status_events row of a send result: 'sent' under the wamid, 'failed'/'unknown' under the attempt's key. */
export const sendResultEventRow = (event: SendResultEventV1, receivedAt: Date): StatusEventRow => {
  const { outcome } = event;
  const common = {
    provider: event.provider,
    channelId: event.channelId,
    recipientId: event.contactId === '' ? null : event.contactId,
    raw: { ...outcome },
    outboundMessageId: event.rowId,
    receivedAt,
  };
  switch (outcome.status) {
    case 'sent':
      return {
        ...common,
        providerMessageId: outcome.providerMessageId,
        status: 'sent',
        occurredAt: new Date(outcome.acceptedAt),
        errorCode: null,
        errorMessage: null,
      };
    case 'failed':
      return {
        ...common,
        providerMessageId: attemptEventId(event.rowId, event.attempt),
        status: 'failed',
        occurredAt: new Date(outcome.failedAt),
        errorCode: outcome.code,
        errorMessage: outcome.message,
      };
    case 'unknown':
      return {
        ...common,
        providerMessageId: attemptEventId(event.rowId, event.attempt),
        status: 'unknown',
        occurredAt: new Date(outcome.at),
        errorCode: outcome.code,
        errorMessage: outcome.message,
      };
  }
};
