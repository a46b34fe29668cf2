import type { Provider } from '@wagw/contracts';
import type {
  LeasedOutboundRow,
  LeaseOptions,
  OutboundRowRef,
  ReapOptions,
  ReapResult,
  ReceiptUpdate,
  SendResultUpdate,
  SentMessageClaim,
  StatusEventRow,
} from '@wagw/core';
import { rowId, text, whole } from './column-values';
import { COLUMN_WIDTHS } from './column-widths';
import {
  byId,
  decodeLeasedRow,
  decodeOutboundRow,
  decodeStatusEvent,
  encodeClaim,
  encodeFail,
  encodeLease,
  encodeNewOutbound,
  encodeNow,
  encodeReap,
  encodeReceipt,
  encodeRefs,
  encodeSendResult,
  encodeStatusEvent,
  withoutId,
  type LeasedDbRow,
  type OutboundDbRow,
  type StatusEventDbRow,
} from './outbound-row-codec';
import type { PgExecutor, PgSession } from './postgres-dialect-store';
import { postgresStatements as sql } from './sql/postgres';
import {
  DEFAULT_LIST_LIMIT,
  type ListOutboundOptions,
  type ListStatusEventOptions,
  type NewOutboundMessage,
  type OutboundMessageRecord,
  type StatusEventRecord,
} from './tenant-store';

/**
 * The outbound and status ports in the PostgreSQL dialect (pg and PGlite alike): one statement each,
 * plus a read that tells 'unchanged' from 'no-row' when a receipt changed nothing.
 */

/** Lock, then lease, in one transaction: the lease's snapshot is taken after the previous lease committed. */
export const leaseDueMessages = async (db: PgExecutor, options: LeaseOptions): Promise<LeasedOutboundRow[]> => {
  const lease = encodeLease(options);
  const result = await db.transaction(async (tx) => {
    await tx.query(sql.lockLeases);
    return tx.query<LeasedDbRow>(sql.leaseDueMessages, [lease.now, lease.reserved_until, lease.limit]);
  }, 'statement');
  return result.rows.map(decodeLeasedRow).sort(byId);
};

/** Two parallel arrays (ids, attempts) for unnest(). */
const refArrays = (refs: readonly OutboundRowRef[]): [string[], number[]] => {
  const encoded = encodeRefs(refs);
  return [encoded.map((ref) => ref.id), encoded.map((ref) => ref.attempt)];
};

export const markQueued = async (db: PgSession, refs: readonly OutboundRowRef[], now: Date): Promise<void> => {
  if (refs.length === 0) return;
  await db.query(sql.markQueued, [...refArrays(refs), encodeNow(now)]);
};

export const releaseLeases = async (db: PgSession, refs: readonly OutboundRowRef[], now: Date): Promise<void> => {
  if (refs.length === 0) return;
  await db.query(sql.releaseLeases, [...refArrays(refs), encodeNow(now)]);
};

export const failOutboundMessage = async (
  db: PgSession,
  ref: OutboundRowRef,
  error: { code: string; message: string },
  now: Date,
): Promise<void> => {
  const values = encodeFail(ref, error, now);
  await db.query(sql.failOutboundMessage, [values.id, values.attempt, values.error_code, values.error_message, values.now]);
};

export const reapExpiredLeases = async (db: PgSession, options: ReapOptions): Promise<ReapResult> => {
  const values = encodeReap(options);
  const result = await db.query<{ requeued: number; failed: number }>(sql.reapExpiredLeases, [
    values.now,
    values.max_attempts,
    values.error_code,
    values.error_message,
    values.expired_before,
  ]);
  const counts = result.rows[0];
  return { requeued: Number(counts?.requeued ?? 0), failed: Number(counts?.failed ?? 0) };
};

export const applySendResult = async (db: PgSession, result: SendResultUpdate): Promise<'applied' | 'stale'> => {
  const encoded = encodeSendResult(result);
  const updated = await (encoded.status === 'sent'
    ? db.query(sql.applySendResultSent, [
        encoded.values.id,
        encoded.values.provider,
        encoded.values.channel_id,
        encoded.values.provider_message_id,
        encoded.values.sent_at,
        encoded.values.now,
        encoded.values.exhausted_code,
        encoded.values.unknown_code,
      ])
    : db.query(sql.applySendResultFailed, [
        encoded.values.id,
        encoded.values.attempt,
        encoded.values.provider,
        encoded.values.channel_id,
        encoded.values.error_code,
        encoded.values.error_message,
        encoded.values.failed_at,
        encoded.values.now,
      ]));
  return updated.rowCount > 0 ? 'applied' : 'stale';
};

export const applyReceipt = async (db: PgSession, receipt: ReceiptUpdate): Promise<'applied' | 'unchanged' | 'no-row'> => {
  const values = encodeReceipt(receipt);
  const updated = await db.query(sql.applyReceipt, [
    values.provider,
    values.provider_message_id,
    values.status,
    values.rank,
    values.occurred_at,
    values.error_code,
    values.error_message,
    values.now,
  ]);
  if (updated.rowCount > 0) return 'applied';
  const existing = await db.query(sql.selectOutboundByProviderMessage, [values.provider, values.provider_message_id]);
  return existing.rows.length > 0 ? 'unchanged' : 'no-row';
};

export const claimSentMessage = async (db: PgSession, claim: SentMessageClaim): Promise<'claimed' | 'unchanged'> => {
  const values = encodeClaim(claim);
  const updated = await db.query(sql.claimSentMessage, [
    values.id,
    values.provider,
    values.channel_id,
    values.provider_message_id,
    values.occurred_at,
    values.now,
    values.exhausted_code,
    values.unknown_code,
  ]);
  return updated.rowCount > 0 ? 'claimed' : 'unchanged';
};

export const recordStatusEvent = async (db: PgSession, event: StatusEventRow): Promise<'inserted' | 'duplicate'> => {
  const values = encodeStatusEvent(event);
  const written = await db.query<{ inserted: boolean }>(sql.recordStatusEvent, [
    values.provider,
    values.channel_id,
    values.provider_message_id,
    values.status,
    values.recipient_id,
    values.occurred_at,
    values.error_code,
    values.error_message,
    values.raw,
    values.outbound_message_id,
    values.received_at,
  ]);
  // A row comes back when the event was inserted, or when a duplicate only named its outbound row.
  return written.rows[0]?.inserted === true ? 'inserted' : 'duplicate';
};

export const listStatusEvents = async (db: PgSession, provider: Provider, providerMessageId: string): Promise<StatusEventRow[]> => {
  const result = await db.query<StatusEventDbRow>(sql.listStatusEvents, [
    text('provider', provider, COLUMN_WIDTHS.provider),
    text('provider_message_id', providerMessageId, COLUMN_WIDTHS.providerMessageId),
  ]);
  return result.rows.map(decodeStatusEvent).map(withoutId);
};

export const insertOutboundMessage = async (db: PgSession, row: NewOutboundMessage): Promise<string> => {
  const values = encodeNewOutbound(row);
  const result = await db.query<{ id: unknown }>(sql.insertOutboundMessage, [values.channel_id, values.to_id, values.message, values.not_before]);
  return String(result.rows[0]?.id);
};

export const listOutboundMessages = async (db: PgSession, options: ListOutboundOptions = {}): Promise<OutboundMessageRecord[]> => {
  const result = await db.query<OutboundDbRow>(sql.listOutboundMessages, [
    rowId('afterId', options.afterId ?? '0'),
    whole('limit', options.limit ?? DEFAULT_LIST_LIMIT),
  ]);
  return result.rows.map(decodeOutboundRow);
};

export const findOutboundMessage = async (db: PgSession, id: string): Promise<OutboundMessageRecord | undefined> => {
  const result = await db.query<OutboundDbRow>(sql.findOutboundMessage, [rowId('id', id)]);
  const row = result.rows[0];
  return row === undefined ? undefined : decodeOutboundRow(row);
};

export const listStatusEventRecords = async (db: PgSession, options: ListStatusEventOptions = {}): Promise<StatusEventRecord[]> => {
  const result = await db.query<StatusEventDbRow>(sql.listStatusEventRecords, [whole('limit', options.limit ?? DEFAULT_LIST_LIMIT)]);
  return result.rows.map(decodeStatusEvent);
};
