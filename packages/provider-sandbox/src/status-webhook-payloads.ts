import { createHmac } from 'node:crypto';
import { phoneDigits } from './json-values';
import type { SandboxSentMessage } from './sandbox-records';

export type SandboxReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** One status webhook step of one message. */
export interface StatusStep {
  status: SandboxReceiptStatus;
  /** Unix seconds as a string, like both providers send it; grows by one per step. */
  timestamp: string;
}

export interface AsyncFailure {
  code: number;
  title: string;
}

export interface MetaBusinessNumber {
  wabaId: string;
  displayPhoneNumber: string;
}

const pricing = (message: SandboxSentMessage): Record<string, unknown> =>
  message.type === 'template'
    ? { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' }
    : { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };

/** Meta escapes non-ASCII as \uXXXX in webhook bodies (reference §A2); receivers must sign those bytes. */
const escapeNonAscii = (json: string): string => json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A Meta `statuses[]` webhook for one step (shape of shared/fixtures/meta-webhook-status-*.json). */
export const metaStatusBody = (message: SandboxSentMessage, step: StatusStep, business: MetaBusinessNumber, failure?: AsyncFailure): string => {
  const callbackData = message.body.biz_opaque_callback_data;
  const status: Record<string, unknown> = {
    id: message.providerMessageId,
    status: step.status,
    timestamp: step.timestamp,
    recipient_id: phoneDigits(message.to),
    ...(typeof callbackData === 'string' ? { biz_opaque_callback_data: callbackData } : {}),
    ...(step.status === 'sent' ? { pricing: pricing(message) } : {}),
    ...(step.status === 'failed' && failure !== undefined
      ? {
          errors: [
            {
              code: failure.code,
              title: failure.title,
              message: failure.title,
              error_data: { details: failure.title },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ],
        }
      : {}),
  };
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: message.channelId },
              statuses: [status],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
  return escapeNonAscii(JSON.stringify(body));
};

/** `sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the app secret>`. */
export const metaSignature = (appSecret: string, body: Uint8Array): string => `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;

// Whapi's numeric `code` next to the status (fixtures: delivered 3, read 4); the mapping is unconfirmed.
const WHAPI_STATUS_CODES: Readonly<Record<SandboxReceiptStatus, number>> = { failed: 0, sent: 2, delivered: 3, read: 4 };

const whapiRecipient = (to: string): string => (to.includes('@') ? to : `${phoneDigits(to)}@s.whatsapp.net`);

/** A Whapi `statuses` webhook for one step (shape of shared/fixtures/whapi-webhook-status*.json). */
export const whapiStatusBody = (message: SandboxSentMessage, step: StatusStep, failure?: AsyncFailure): string =>
  JSON.stringify({
    statuses: [
      {
        id: message.providerMessageId,
        code: WHAPI_STATUS_CODES[step.status],
        status: step.status,
        recipient_id: whapiRecipient(message.to),
        timestamp: step.timestamp,
        ...(step.status === 'failed' && failure !== undefined ? { errors: [{ code: failure.code, title: failure.title }] } : {}),
      },
    ],
    event: { type: 'statuses', event: 'post' },
    channel_id: message.channelId,
  });
