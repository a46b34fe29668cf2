import type { ReceiptEventV1 } from '@wagw/contracts';

/** The provider-specific part of a ReceiptEventV1. */
export type ReceiptFields = Pick<ReceiptEventV1, 'providerMessageId' | 'status' | 'occurredAt' | 'recipientId' | 'errors'>;
