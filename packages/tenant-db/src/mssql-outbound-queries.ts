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
import { lastRow, lastRows, retryDeadlocks, type MssqlRun } from './mssql-run';
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
import { mssqlStatements as sql } from './sql/mssql';
import {
  DEFAULT_LIST_LIMIT,
  type ListOutboundOptions,
  type ListStatusEventOptions,
  type NewOutboundMessage,
  type OutboundMessageRecord,
  type StatusEventRecord,
} from './tenant-store';

/**
 * The outbound and status ports in the SQL Server dialect: one batch each. Writes are run again when
 * SQL Server picks them as a deadlock victim (it rolled them back whole).
 */

export const leaseDueMessages = async (run: MssqlRun, options: LeaseOptions): Promise<LeasedOutboundRow[]> => {
  const values = encodeLease(options);
  const result = await retryDeadlocks(() => run<keyof typeof values, LeasedDbRow>(sql.leaseDueMessages, values));
  return lastRows(result).map(decodeLeasedRow).sort(byId);
};

/** The refs as the JSON array OPENJSON(@refs) reads. */
const refsJson = (refs: readonly OutboundRowRef[]): string => JSON.stringify(encodeRefs(refs));

export const markQueued = async (run: MssqlRun, refs: readonly OutboundRowRef[], now: Date): Promise<void> => {
  if (refs.length === 0) return;
  const values = { refs: refsJson(refs), now: encodeNow(now) };
  await retryDeadlocks(() => run(sql.markQueued, values));
};

export const releaseLeases = async (run: MssqlRun, refs: readonly OutboundRowRef[], now: Date): Promise<void> => {
  if (refs.length === 0) return;
  const values = { refs: refsJson(refs), now: encodeNow(now) };
  await retryDeadlocks(() => run(sql.releaseLeases, values));
};

export const failOutboundMessage = async (
  run: MssqlRun,
  ref: OutboundRowRef,
  error: { code: string; message: string },
  now: Date,
): Promise<void> => {
  const values = encodeFail(ref, error, now);
  await retryDeadlocks(() => run(sql.failOutboundMessage, values));
};

export const reapExpiredLeases = async (run: MssqlRun, options: ReapOptions): Promise<ReapResult> => {
  const values = encodeReap(options);
  const result = await retryDeadlocks(() => run<keyof typeof values, ReapResult>(sql.reapExpiredLeases, values));
  const counts = lastRow(result);
  return { requeued: Number(counts?.requeued ?? 0), failed: Number(counts?.failed ?? 0) };
};

export const applySendResult = async (run: MssqlRun, result: SendResultUpdate): Promise<'applied' | 'stale'> => {
  const encoded = encodeSendResult(result);
  const answer = await retryDeadlocks(async () =>
    lastRow(
      encoded.status === 'sent'
        ? await run<keyof typeof encoded.values, { applied: number }>(sql.applySendResultSent, encoded.values)
        : await run<keyof typeof encoded.values, { applied: number }>(sql.applySendResultFailed, encoded.values),
    ),
  );
  return Number(answer?.applied ?? 0) > 0 ? 'applied' : 'stale';
};

export const applyReceipt = async (run: MssqlRun, receipt: ReceiptUpdate): Promise<'applied' | 'unchanged' | 'no-row'> => {
  const values = encodeReceipt(receipt);
  const answer = await retryDeadlocks(async () =>
    lastRow(await run<keyof typeof values, { applied: number; found: number }>(sql.applyReceipt, values)),
  );
  if (answer !== undefined && answer.applied > 0) return 'applied';
  return answer !== undefined && answer.found === 1 ? 'unchanged' : 'no-row';
};

export const claimSentMessage = async (run: MssqlRun, claim: SentMessageClaim): Promise<'claimed' | 'unchanged'> => {
  const values = encodeClaim(claim);
  const answer = await retryDeadlocks(async () => lastRow(await run<keyof typeof values, { claimed: number }>(sql.claimSentMessage, values)));
  return Number(answer?.claimed ?? 0) > 0 ? 'claimed' : 'unchanged';
};

export const recordStatusEvent = async (run: MssqlRun, event: StatusEventRow): Promise<'inserted' | 'duplicate'> => {
  const values = encodeStatusEvent(event);
  const answer = await retryDeadlocks(async () =>
    lastRow(await run<keyof typeof values, { inserted: number }>(sql.recordStatusEvent, values)),
  );
  return answer?.inserted === 1 ? 'inserted' : 'duplicate';
};

export const listStatusEvents = async (run: MssqlRun, provider: Provider, providerMessageId: string): Promise<StatusEventRow[]> => {
  const result = await run<'provider' | 'provider_message_id', StatusEventDbRow>(sql.listStatusEvents, {
    provider: text('provider', provider, COLUMN_WIDTHS.provider),
    provider_message_id: text('provider_message_id', providerMessageId, COLUMN_WIDTHS.providerMessageId),
  });
  return result.recordset.map(decodeStatusEvent).map(withoutId);
};

export const insertOutboundMessage = async (run: MssqlRun, row: NewOutboundMessage): Promise<string> => {
  const values = encodeNewOutbound(row);
  const result = await run<keyof typeof values, { id: unknown }>(sql.insertOutboundMessage, values);
  return String(lastRow(result)?.id);
};

export const listOutboundMessages = async (run: MssqlRun, options: ListOutboundOptions = {}): Promise<OutboundMessageRecord[]> => {
  const result = await run<'after_id' | 'limit', OutboundDbRow>(sql.listOutboundMessages, {
    after_id: rowId('afterId', options.afterId ?? '0'),
    limit: whole('limit', options.limit ?? DEFAULT_LIST_LIMIT),
  });
  return result.recordset.map(decodeOutboundRow);
};

export const findOutboundMessage = async (run: MssqlRun, id: string): Promise<OutboundMessageRecord | undefined> => {
  const result = await run<'id', OutboundDbRow>(sql.findOutboundMessage, { id: rowId('id', id) });
  const row = result.recordset[0];
  return row === undefined ? undefined : decodeOutboundRow(row);
};

export const listStatusEventRecords = async (run: MssqlRun, options: ListStatusEventOptions = {}): Promise<StatusEventRecord[]> => {
  const result = await run<'limit', StatusEventDbRow>(sql.listStatusEventRecords, {
    limit: whole('limit', options.limit ?? DEFAULT_LIST_LIMIT),
  });
  return result.recordset.map(decodeStatusEvent);
};
