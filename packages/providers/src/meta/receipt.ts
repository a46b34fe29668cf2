import type { JsonObject } from '../json-body';
import { nonEmpty } from '../json-body';
import { toProviderErrors } from '../provider-errors';
import type { ReceiptFields } from '../receipt-fields';
import { unixSecondsToIso } from '../unix-seconds';

export type { ReceiptFields } from '../receipt-fields';


/**
 * Receipt fields of one Meta `value.statuses[]` item (as checked by parseMetaWebhook: `id` and `status`
 * are strings). The status is kept as sent; `occurredAt` falls back to `receivedAt` when the item has
 * no usable timestamp.
 */
export const metaReceiptFields = (status: JsonObject, receivedAt: string): ReceiptFields => {
  const fields: ReceiptFields = {
    providerMessageId: String(status.id),
    status: String(status.status),
    occurredAt: unixSecondsToIso(status.timestamp) ?? receivedAt,
    errors: toProviderErrors(status.errors),
  };
  const recipientId = nonEmpty(status.recipient_id) ?? nonEmpty(status.recipient_user_id);
  if (recipientId !== undefined) fields.recipientId = recipientId;
  return fields;
};
