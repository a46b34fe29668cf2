import type { JsonObject } from '../json-body';
import { toProviderErrors } from '../provider-errors';
import type { ReceiptFields } from '../receipt-fields';
import { unixSecondsToIso } from '../unix-seconds';

export type { ReceiptFields } from '../receipt-fields';

/**
 * Receipt fields of one Whapi `statuses[]` item (as checked by parseWhapiWebhook: `id` and `status` are
 * strings). The timestamp may be a string or a number; without a usable one, `receivedAt` is used.
 */
export const whapiReceiptFields = (status: JsonObject, receivedAt: string): ReceiptFields => {
  const fields: ReceiptFields = {
    providerMessageId: String(status.id),
    status: String(status.status),
    occurredAt: unixSecondsToIso(status.timestamp) ?? receivedAt,
    errors: toProviderErrors(status.errors),
  };
  if (typeof status.recipient_id === 'string' && status.recipient_id !== '') fields.recipientId = status.recipient_id;
  return fields;
};
