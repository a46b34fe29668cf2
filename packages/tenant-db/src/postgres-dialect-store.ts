import type { DatabaseSettingsV1, InboundMessageRowV1, MediaOutcomeV1, MediaStatus, Provider } from '@wagw/contracts';
import type {
  InsertOutcome,
  LeasedOutboundRow,
  LeaseOptions,
  MediaApplyOutcome,
  MessageKey,
  OutboundRowRef,
  ReapOptions,
  ReapResult,
  ReceiptUpdate,
  SendResultUpdate,
  SentMessageClaim,
  StatusEventRow,
} from '@wagw/core';
import {
  decodeInboundRow,
  encodeInboundRow,
  encodeKey,
  encodeMediaError,
  encodeStoredMedia,
  type InboundDbRow,
  type KeyValues,
} from './inbound-row-codec';
import { runMigrations, type MigrationResult } from './migration';
import * as outbound from './postgres-outbound-queries';
import { postgresMigrations, postgresStatements as sql } from './sql/postgres';
import {
  DEFAULT_LIST_LIMIT,
  type InboundMessageRecord,
  type ListInboundOptions,
  type ListOutboundOptions,
  type ListStatusEventOptions,
  type NewOutboundMessage,
  type OutboundMessageRecord,
  type StatusEventRecord,
  type TenantStore,
} from './tenant-store';
import { isPostgresUnavailable, unavailableOr } from './unavailable-errors';

export interface PgQueryResult<R> {
  rows: R[];
  /** Rows inserted/updated/deleted (or returned, for a SELECT). */
  rowCount: number;
}

/** The little a PostgreSQL-dialect store needs from a driver. */
export interface PgSession {
  query<R>(text: string, params?: readonly unknown[]): Promise<PgQueryResult<R>>;
}

/**
 * How long a transaction's statements may run: 'statement' keeps the store's usual timeouts (a record's
 * path), 'migration' lifts them (schema changes may legitimately run long).
 */
export type PgTransactionLimits = 'statement' | 'migration';

export interface PgExecutor extends PgSession {
  /** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK on a throw). */
  transaction<T>(work: (session: PgSession) => Promise<T>, limits: PgTransactionLimits): Promise<T>;
  end(): Promise<void>;
}

const keyParams = (key: KeyValues): unknown[] => [key.provider, key.channel_id, key.provider_message_id];

/** How often an insert that met a conflicting row which then vanished is tried again. */
const INSERT_TRIES = 3;

/**
 * The PostgreSQL dialect of TenantStore, shared by the `pg` and PGlite adapters: they differ only in
 * how they run a statement.
 */
export class PostgresDialectStore implements TenantStore {
  private readonly fail: (error: unknown) => never;

  constructor(
    readonly engine: DatabaseSettingsV1['engine'],
    private readonly db: PgExecutor,
    tenantId: string,
  ) {
    this.fail = unavailableOr(tenantId, isPostgresUnavailable);
  }

  async insertInboundMessage(row: InboundMessageRowV1): Promise<InsertOutcome> {
    const values = encodeInboundRow(row);
    const params = [
      values.provider,
      values.channel_id,
      values.provider_message_id,
      values.from_id,
      values.from_name,
      values.type,
      values.body,
      values.reply_to_id,
      values.media_status,
      values.media_key,
      values.media_mime_type,
      values.media_size,
      values.media_sha256,
      values.media_error,
      values.payload,
      values.raw,
      values.sent_at,
      values.received_at,
    ];
    try {
      for (let attempt = 1; ; attempt += 1) {
        // ON CONFLICT DO NOTHING waits for a concurrent inserter of the same key to commit, so the
        // follow-up SELECT (a new snapshot) sees its row.
        const inserted = await this.db.query(sql.insertInboundMessage, params);
        if (inserted.rows.length > 0) return { outcome: 'inserted' };
        const existing = await this.db.query<{ media_status: MediaStatus }>(sql.selectInboundMediaStatus, keyParams(values));
        const found = existing.rows[0];
        if (found !== undefined) return { outcome: 'duplicate', mediaStatus: found.media_status };
        if (attempt >= INSERT_TRIES) throw new Error('wa_inbound_messages row conflicted on insert but could not be read');
      }
    } catch (error) {
      return this.fail(error);
    }
  }

  async applyMediaOutcome(key: MessageKey, outcome: MediaOutcomeV1): Promise<MediaApplyOutcome> {
    const keyValues = encodeKey(key);
    try {
      const updated =
        outcome.status === 'stored'
          ? await this.applyStored(keyValues, outcome)
          : await this.db.query(sql.applyMediaFailed, [...keyParams(keyValues), encodeMediaError(outcome)]);
      if (updated.rowCount > 0) return 'applied';
      const existing = await this.db.query(sql.selectInboundMediaStatus, keyParams(keyValues));
      return existing.rows.length > 0 ? 'unchanged' : 'missing';
    } catch (error) {
      return this.fail(error);
    }
  }

  private applyStored(key: KeyValues, outcome: Extract<MediaOutcomeV1, { status: 'stored' }>) {
    const media = encodeStoredMedia(outcome);
    return this.db.query(sql.applyMediaStored, [
      ...keyParams(key),
      media.media_key,
      media.media_mime_type,
      media.media_size,
      media.media_sha256,
    ]);
  }

  async listInboundMessages(options: ListInboundOptions = {}): Promise<InboundMessageRecord[]> {
    try {
      const result = await this.db.query<InboundDbRow>(sql.listInboundMessages, [options.limit ?? DEFAULT_LIST_LIMIT]);
      return result.rows.map(decodeInboundRow);
    } catch (error) {
      return this.fail(error);
    }
  }

  async findInboundMessage(key: MessageKey): Promise<InboundMessageRecord | undefined> {
    try {
      const result = await this.db.query<InboundDbRow>(sql.findInboundMessage, keyParams(encodeKey(key)));
      const row = result.rows[0];
      return row === undefined ? undefined : decodeInboundRow(row);
    } catch (error) {
      return this.fail(error);
    }
  }

  leaseDueMessages(options: LeaseOptions): Promise<LeasedOutboundRow[]> {
    return this.guard(() => outbound.leaseDueMessages(this.db, options));
  }

  markQueued(rows: readonly OutboundRowRef[], now: Date): Promise<void> {
    return this.guard(() => outbound.markQueued(this.db, rows, now));
  }

  releaseLeases(rows: readonly OutboundRowRef[], now: Date): Promise<void> {
    return this.guard(() => outbound.releaseLeases(this.db, rows, now));
  }

  failOutboundMessage(row: OutboundRowRef, error: { code: string; message: string }, now: Date): Promise<void> {
    return this.guard(() => outbound.failOutboundMessage(this.db, row, error, now));
  }

  reapExpiredLeases(options: ReapOptions): Promise<ReapResult> {
    return this.guard(() => outbound.reapExpiredLeases(this.db, options));
  }

  recordStatusEvent(event: StatusEventRow): Promise<'inserted' | 'duplicate'> {
    return this.guard(() => outbound.recordStatusEvent(this.db, event));
  }

  applySendResult(result: SendResultUpdate): Promise<'applied' | 'stale'> {
    return this.guard(() => outbound.applySendResult(this.db, result));
  }

  applyReceipt(receipt: ReceiptUpdate): Promise<'applied' | 'unchanged' | 'no-row'> {
    return this.guard(() => outbound.applyReceipt(this.db, receipt));
  }

  claimSentMessage(claim: SentMessageClaim): Promise<'claimed' | 'unchanged'> {
    return this.guard(() => outbound.claimSentMessage(this.db, claim));
  }

  listStatusEvents(provider: Provider, providerMessageId: string): Promise<StatusEventRow[]> {
    return this.guard(() => outbound.listStatusEvents(this.db, provider, providerMessageId));
  }

  insertOutboundMessage(row: NewOutboundMessage): Promise<string> {
    return this.guard(() => outbound.insertOutboundMessage(this.db, row));
  }

  listOutboundMessages(options?: ListOutboundOptions): Promise<OutboundMessageRecord[]> {
    return this.guard(() => outbound.listOutboundMessages(this.db, options));
  }

  findOutboundMessage(id: string): Promise<OutboundMessageRecord | undefined> {
    return this.guard(() => outbound.findOutboundMessage(this.db, id));
  }

  listStatusEventRecords(options?: ListStatusEventOptions): Promise<StatusEventRecord[]> {
    return this.guard(() => outbound.listStatusEventRecords(this.db, options));
  }

  /** Runs `work`, turning "database not reachable now" into TenantDatabaseUnavailableError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      return this.fail(error);
    }
  }

  async migrate(): Promise<MigrationResult> {
    try {
      return await runMigrations(postgresMigrations, (migration) =>
        this.db.transaction(async (tx) => {
          await tx.query(sql.lockMigrations);
          await tx.query(sql.createMigrationsTable);
          const done = await tx.query(sql.selectMigration, [migration.version]);
          if (done.rows.length > 0) return false;
          for (const statement of migration.statements) await tx.query(statement);
          await tx.query(sql.recordMigration, [migration.version, migration.name]);
          return true;
        }, 'migration'),
      );
    } catch (error) {
      return this.fail(error);
    }
  }

  private closing: Promise<void> | undefined;

  /** Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.db.end();
    return this.closing;
  }
}
