import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Provider, ReceiptEventV1, SendOutcomeV1, SendResultEventV1 } from '@wagw/contracts';
import { conversationGroupId } from '@wagw/core/ids';
import { metaReceiptFields } from '@wagw/providers/meta/receipt';
import { whapiReceiptFields } from '@wagw/providers/whapi/receipt';
import { createLogger, type Logger } from '@wagw/runtime/logger';
import type { SQSRecord } from 'aws-lambda';

type Json = Record<string, unknown>;

const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(__dirname, '../../../../../shared/fixtures');

export const RECEIVED_AT = '2025-10-09T08:53:25.000Z';
export const META_CHANNEL = '100000000000001';
export const WHAPI_CHANNEL = 'TESTCH-ABCDE';
export const USER = '15550001111';
export const WHAPI_CHAT = '15550001111@s.whatsapp.net';

const fixture = (name: string): Json => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Json;

/** The first `statuses[]` item of a recorded Meta status webhook. */
export const metaStatusItem = (name: string): Json => {
  const value = ((fixture(name).entry as Json[])[0]?.changes as Json[])[0]?.value as Json;
  return (value.statuses as Json[])[0] as Json;
};

/** The first `statuses[]` item of a recorded Whapi status webhook. */
export const whapiStatusItem = (name: string): Json => (fixture(name).statuses as Json[])[0] as Json;

export interface ReceiptOverrides {
  /** The wamid (Meta) / message id (Whapi) the receipt is about. */
  id?: string;
  status?: string;
  /** Unix seconds, as the providers send it. */
  timestamp?: number;
  /** Meta's `biz_opaque_callback_data` echo (the sender passes `outbound:{rowId}:{attempt}`). */
  callbackData?: string;
}

const receiptEvent = (
  tenantId: string,
  provider: Provider,
  channelId: string,
  item: Json,
  fields: ReturnType<typeof metaReceiptFields>,
): ReceiptEventV1 => ({
  schema: 'receipt.v1',
  tenantId,
  provider,
  channelId,
  contactId: fields.recipientId ?? '',
  ...fields,
  item,
  archiveKey: `raw/${provider}/${'0'.repeat(64)}.json`,
  receivedAt: RECEIVED_AT,
});

const withOverrides = (item: Json, overrides: ReceiptOverrides): Json => ({
  ...item,
  ...(overrides.id === undefined ? {} : { id: overrides.id }),
  ...(overrides.status === undefined ? {} : { status: overrides.status }),
  ...(overrides.timestamp === undefined ? {} : { timestamp: String(overrides.timestamp) }),
  ...(overrides.callbackData === undefined ? {} : { biz_opaque_callback_data: overrides.callbackData }),
});

/** A receipt.v1 event for a Meta status item (a recorded fixture, optionally re-aimed), as the receiver queues it. */
export const metaReceipt = (tenantId: string, overrides: ReceiptOverrides = {}, fixtureName = 'meta-webhook-status-delivered.json'): ReceiptEventV1 => {
  const item = withOverrides(metaStatusItem(fixtureName), overrides);
  return receiptEvent(tenantId, 'meta', META_CHANNEL, item, metaReceiptFields(item, RECEIVED_AT));
};

/** A receipt.v1 event for a Whapi status item. */
export const whapiReceipt = (tenantId: string, overrides: ReceiptOverrides = {}, fixtureName = 'whapi-webhook-status.json'): ReceiptEventV1 => {
  const item = withOverrides(whapiStatusItem(fixtureName), overrides);
  return receiptEvent(tenantId, 'whapi', WHAPI_CHANNEL, item, whapiReceiptFields(item, RECEIVED_AT));
};

export interface SendResultTarget {
  tenantId: string;
  rowId: string;
  attempt?: number;
  provider?: Provider;
  channelId?: string;
}

export const sendResult = (target: SendResultTarget, outcome: SendOutcomeV1): SendResultEventV1 => ({
  schema: 'send-result.v1',
  tenantId: target.tenantId,
  provider: target.provider ?? 'meta',
  channelId: target.channelId ?? META_CHANNEL,
  contactId: USER,
  rowId: target.rowId,
  attempt: target.attempt ?? 1,
  outcome,
});

export const sentOutcome = (providerMessageId: string, acceptedAt = '2025-10-09T08:53:20.000Z'): SendOutcomeV1 => ({
  status: 'sent',
  providerMessageId,
  acceptedAt,
});

export const failedOutcome = (code = '131026', message = 'Message undeliverable'): SendOutcomeV1 => ({
  status: 'failed',
  code,
  message,
  failedAt: '2025-10-09T08:53:21.000Z',
});

export const unknownOutcome = (): SendOutcomeV1 => ({
  status: 'unknown',
  code: 'SEND_OUTCOME_UNKNOWN',
  message: 'no answer within 10000 ms after the request was sent',
  at: '2025-10-09T08:53:22.000Z',
});

let sequence = 0;

/** An SQS FIFO record carrying `body`, grouped per conversation as the producers group it. */
export const sqsRecord = (body: unknown, options: { tenantId: string; channelId?: string; contactId?: string; messageId?: string }): SQSRecord => {
  sequence += 1;
  const messageId = options.messageId ?? `m-${sequence}`;
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1760000005000',
      SenderId: 'TEST',
      ApproximateFirstReceiveTimestamp: '1760000005000',
      MessageGroupId: conversationGroupId(options.tenantId, options.channelId ?? META_CHANNEL, options.contactId ?? USER),
      MessageDeduplicationId: `d-${sequence}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:status-events.fifo',
    awsRegion: 'us-east-1',
  };
};

/** The SQS record of a receipt or send result event. */
export const recordOf = (event: ReceiptEventV1 | SendResultEventV1, messageId?: string): SQSRecord =>
  sqsRecord(event, { tenantId: event.tenantId, channelId: event.channelId, contactId: event.contactId, ...(messageId === undefined ? {} : { messageId }) });

/** A real pino logger whose lines are kept, parsed, for assertions. */
export const capturingLogger = (): { logger: Logger; lines: Json[] } => {
  const lines: Json[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Json) } });
  return { logger, lines };
};

/** A logger that drops every line (for tests that do not look at logs). */
export const silentLogger = (): Logger => createLogger({ level: 'silent' });
