import { OUTBOUND_STATUS_RANK, type OutboundStatus, type Provider } from '@wagw/contracts';
import type {
  LeasedOutboundRow,
  LeaseOptions,
  OutboundRowRef,
  ReapOptions,
  ReceiptUpdate,
  SendResultUpdate,
  SentMessageClaim,
  StatusEventRow,
} from '@wagw/core';
import { COLUMN_WIDTHS } from './column-widths';
import {
  clipped,
  encodeJson,
  instant,
  nullableDate,
  nullableString,
  optionalClipped,
  optionalInstant,
  optionalText,
  parseJsonColumn,
  rowId,
  text,
  toDate,
  whole,
  withoutNul,
} from './column-values';
import { TenantRowInvalidError } from './errors';
import type { NewOutboundMessage, OutboundMessageRecord, StatusEventRecord } from './tenant-store';

/** error_code of a row whose every attempt ended without a send result before its lease expired. */
export const SEND_ATTEMPTS_EXHAUSTED = 'SEND_ATTEMPTS_EXHAUSTED';

/** error_code of a row whose send timed out after the request went out (the sender's 'unknown' result). */
export const SEND_OUTCOME_UNKNOWN = 'SEND_OUTCOME_UNKNOWN';

/**
 * The wa_status_events statuses a send result's catch-up reads back: those that move a row
 * (outboundStatusForReceipt gives a row status for each). Others (Whapi 'pending', 'deleted', 'unknown',
 * anything unfamiliar) stay in the table but are never read back.
 */
export const ROW_STATUS_EVENT_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;

/** At most this many events of one provider message are read back (a tenant database is not trusted to be small). */
export const LISTED_STATUS_EVENTS_LIMIT = 50;

/** Both dialects bind these values under these names (PostgreSQL in the order its statement lists). */

export interface LeaseValues {
  now: Date;
  reserved_until: Date;
  limit: number;
}

export const encodeLease = (options: LeaseOptions): LeaseValues => {
  const now = instant('now', options.now);
  const leaseSeconds = whole('leaseSeconds', options.leaseSeconds, 1);
  return {
    now,
    reserved_until: instant('reserved_until', new Date(now.getTime() + leaseSeconds * 1000)),
    limit: whole('limit', options.limit, 1),
  };
};

export const encodeNow = (now: Date): Date => instant('now', now);

export interface RefValues {
  id: string;
  attempt: number;
}

export const encodeRef = (ref: OutboundRowRef): RefValues => ({ id: rowId('id', ref.id), attempt: whole('attempt', ref.attempt) });

export const encodeRefs = (refs: readonly OutboundRowRef[]): RefValues[] => refs.map(encodeRef);

export interface FailValues extends RefValues {
  error_code: string;
  error_message: string;
  now: Date;
}

export const encodeFail = (ref: OutboundRowRef, error: { code: string; message: string }, now: Date): FailValues => ({
  ...encodeRef(ref),
  error_code: clipped(error.code, COLUMN_WIDTHS.errorCode),
  error_message: withoutNul(error.message),
  now: instant('now', now),
});

export interface ReapValues {
  now: Date;
  expired_before: Date;
  max_attempts: number;
  error_code: string;
  error_message: string;
}

export const encodeReap = (options: ReapOptions): ReapValues => {
  const maxAttempts = whole('maxAttempts', options.maxAttempts, 1);
  return {
    now: instant('now', options.now),
    expired_before: instant('expiredBefore', options.expiredBefore),
    max_attempts: maxAttempts,
    error_code: SEND_ATTEMPTS_EXHAUSTED,
    error_message: `gave up after ${maxAttempts} attempts: no send result arrived before the lease expired`,
  };
};

/** No attempt: an acceptance applies whatever attempt it came from. */
export interface SentValues {
  id: string;
  provider: string;
  channel_id: string;
  provider_message_id: string;
  sent_at: Date;
  now: Date;
  /** The failures an acceptance overrides: the gateway only gave up waiting, the provider did take the message. */
  exhausted_code: string;
  unknown_code: string;
}

export interface SendFailedValues extends RefValues {
  provider: string;
  channel_id: string;
  error_code: string;
  error_message: string;
  failed_at: Date;
  now: Date;
}

export type SendResultValues = { status: 'sent'; values: SentValues } | { status: 'failed'; values: SendFailedValues };

export const encodeSendResult = (result: SendResultUpdate): SendResultValues => {
  const common = {
    provider: text('provider', result.provider, COLUMN_WIDTHS.provider),
    channel_id: text('channel_id', result.channelId, COLUMN_WIDTHS.channelId),
    now: instant('now', result.now),
  };
  if (result.status === 'sent') {
    return {
      status: 'sent',
      values: {
        id: rowId('id', result.row.id),
        ...common,
        provider_message_id: text('provider_message_id', result.providerMessageId, COLUMN_WIDTHS.providerMessageId),
        sent_at: instant('sent_at', result.at),
        exhausted_code: SEND_ATTEMPTS_EXHAUSTED,
        unknown_code: SEND_OUTCOME_UNKNOWN,
      },
    };
  }
  return {
    status: 'failed',
    values: {
      ...encodeRef(result.row),
      ...common,
      error_code: clipped(result.code, COLUMN_WIDTHS.errorCode),
      error_message: withoutNul(result.message),
      failed_at: instant('failed_at', result.at),
    },
  };
};

/** No attempt: the receipt proves the acceptance of whichever attempt it names. */
export interface ClaimValues {
  id: string;
  provider: string;
  channel_id: string;
  provider_message_id: string;
  occurred_at: Date;
  now: Date;
  /** The only failures a claim may overwrite: the gateway gave up waiting, or the send's outcome was unknown. */
  exhausted_code: string;
  unknown_code: string;
}

export const encodeClaim = (claim: SentMessageClaim): ClaimValues => ({
  id: rowId('id', claim.row.id),
  provider: text('provider', claim.provider, COLUMN_WIDTHS.provider),
  channel_id: text('channel_id', claim.channelId, COLUMN_WIDTHS.channelId),
  provider_message_id: text('provider_message_id', claim.providerMessageId, COLUMN_WIDTHS.providerMessageId),
  occurred_at: instant('occurred_at', claim.occurredAt),
  now: instant('now', claim.now),
  exhausted_code: SEND_ATTEMPTS_EXHAUSTED,
  unknown_code: SEND_OUTCOME_UNKNOWN,
});

export interface ReceiptValues {
  provider: string;
  provider_message_id: string;
  status: OutboundStatus;
  /** OUTBOUND_STATUS_RANK of `status`: the row moves only when its own rank is lower. */
  rank: number;
  occurred_at: Date;
  error_code: string | null;
  error_message: string | null;
  now: Date;
}

export const encodeReceipt = (receipt: ReceiptUpdate): ReceiptValues => {
  const status = receipt.status;
  if (!Object.hasOwn(OUTBOUND_STATUS_RANK, status)) {
    throw new TenantRowInvalidError(`status '${String(status)}' is not a wa_outbound_messages status`);
  }
  return {
    provider: text('provider', receipt.provider, COLUMN_WIDTHS.provider),
    provider_message_id: text('provider_message_id', receipt.providerMessageId, COLUMN_WIDTHS.providerMessageId),
    status,
    rank: OUTBOUND_STATUS_RANK[status],
    occurred_at: instant('occurred_at', receipt.occurredAt),
    error_code: optionalClipped(receipt.errorCode, COLUMN_WIDTHS.errorCode),
    error_message: receipt.errorMessage === null ? null : withoutNul(receipt.errorMessage),
    now: instant('now', receipt.now),
  };
};

export interface StatusEventValues {
  provider: string;
  channel_id: string;
  provider_message_id: string;
  status: string;
  recipient_id: string | null;
  occurred_at: Date;
  error_code: string | null;
  error_message: string | null;
  raw: string | null;
  outbound_message_id: string | null;
  received_at: Date;
}

export const encodeStatusEvent = (event: StatusEventRow): StatusEventValues => ({
  provider: text('provider', event.provider, COLUMN_WIDTHS.provider),
  channel_id: text('channel_id', event.channelId, COLUMN_WIDTHS.channelId),
  provider_message_id: text('provider_message_id', event.providerMessageId, COLUMN_WIDTHS.providerMessageId),
  status: text('status', event.status, COLUMN_WIDTHS.eventStatus),
  recipient_id: optionalText('recipient_id', event.recipientId, COLUMN_WIDTHS.recipientId),
  occurred_at: instant('occurred_at', event.occurredAt),
  error_code: optionalClipped(event.errorCode, COLUMN_WIDTHS.errorCode),
  error_message: event.errorMessage === null ? null : withoutNul(event.errorMessage),
  raw: event.raw === null ? null : encodeJson(event.raw),
  outbound_message_id: event.outboundMessageId === null ? null : rowId('outbound_message_id', event.outboundMessageId),
  received_at: instant('received_at', event.receivedAt),
});

export interface NewOutboundValues {
  channel_id: string | null;
  to_id: string;
  message: string;
  not_before: Date | null;
}

export const encodeNewOutbound = (row: NewOutboundMessage): NewOutboundValues => ({
  channel_id: optionalText('channel_id', row.channelId, COLUMN_WIDTHS.channelId),
  to_id: text('to_id', row.toId, COLUMN_WIDTHS.toId),
  message: withoutNul(row.message),
  not_before: optionalInstant('not_before', row.notBefore ?? null),
});

/** Column values as either driver returns them: BIGINT as string (or number), JSON parsed or as text. */
type DbRow<K extends string> = { [C in K]: unknown };

export type LeasedDbRow = DbRow<'id' | 'channel_id' | 'to_id' | 'message' | 'attempts' | 'reserved_until' | 'created_at'>;

export const decodeLeasedRow = (row: LeasedDbRow): LeasedOutboundRow => ({
  id: String(row.id),
  channelId: nullableString(row.channel_id),
  toId: String(row.to_id),
  message: String(row.message),
  attempt: Number(row.attempts),
  reservedUntil: toDate(row.reserved_until),
  createdAt: toDate(row.created_at),
});

/** Ids compare by length first: they are decimal strings without leading zeros. */
export const byId = (a: { id: string }, b: { id: string }): number => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export type OutboundDbRow = DbRow<
  | 'id'
  | 'channel_id'
  | 'to_id'
  | 'message'
  | 'not_before'
  | 'status'
  | 'attempts'
  | 'reserved_until'
  | 'provider'
  | 'provider_message_id'
  | 'error_code'
  | 'error_message'
  | 'created_at'
  | 'queued_at'
  | 'sent_at'
  | 'delivered_at'
  | 'read_at'
  | 'failed_at'
  | 'updated_at'
>;

export const decodeOutboundRow = (row: OutboundDbRow): OutboundMessageRecord => ({
  id: String(row.id),
  channelId: nullableString(row.channel_id),
  toId: String(row.to_id),
  message: String(row.message),
  notBefore: nullableDate(row.not_before),
  status: String(row.status) as OutboundStatus,
  attempts: Number(row.attempts),
  reservedUntil: nullableDate(row.reserved_until),
  provider: nullableString(row.provider) as Provider | null,
  providerMessageId: nullableString(row.provider_message_id),
  errorCode: nullableString(row.error_code),
  errorMessage: nullableString(row.error_message),
  createdAt: toDate(row.created_at),
  queuedAt: nullableDate(row.queued_at),
  sentAt: nullableDate(row.sent_at),
  deliveredAt: nullableDate(row.delivered_at),
  readAt: nullableDate(row.read_at),
  failedAt: nullableDate(row.failed_at),
  updatedAt: toDate(row.updated_at),
});

export type StatusEventDbRow = DbRow<'id' | keyof StatusEventValues>;

export const decodeStatusEvent = (row: StatusEventDbRow): StatusEventRecord => ({
  id: String(row.id),
  provider: String(row.provider) as Provider,
  channelId: String(row.channel_id),
  providerMessageId: String(row.provider_message_id),
  status: String(row.status),
  recipientId: nullableString(row.recipient_id),
  occurredAt: toDate(row.occurred_at),
  errorCode: nullableString(row.error_code),
  errorMessage: nullableString(row.error_message),
  raw: row.raw === null || row.raw === undefined ? null : parseJsonColumn(row.raw),
  outboundMessageId: nullableString(row.outbound_message_id),
  receivedAt: toDate(row.received_at),
});

/** The port's StatusEventRow (without the database id). */
export const withoutId = ({ id: _id, ...event }: StatusEventRecord): StatusEventRow => event;
