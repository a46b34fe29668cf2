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
import * as mssql from 'mssql';
import {
  decodeInboundRow,
  encodeInboundRow,
  encodeKey,
  encodeMediaError,
  encodeStoredMedia,
  type InboundDbRow,
} from './inbound-row-codec';
import { runMigrations, type MigrationResult } from './migration';
import { assertOpenJsonAvailable, type CompatibilityRow } from './mssql-compatibility';
import { mssqlConfigFrom } from './mssql-connection-config';
import * as outbound from './mssql-outbound-queries';
import { lastRow, retryDeadlocks, runStatement, type MssqlRun } from './mssql-run';
import { mssqlMigrations, mssqlStatements as sql, type MssqlStatement } from './sql/mssql';
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
  type TenantStoreOptions,
} from './tenant-store';
import { isMssqlUnavailable, unavailableOr } from './unavailable-errors';

export type MssqlSettings = Extract<DatabaseSettingsV1, { engine: 'mssql' }>;

interface MediaApplyRow {
  applied: number;
  found: number;
}

/** A tenant database on SQL Server, through an `mssql` (tedious) connection pool. */
export class MssqlTenantStore implements TenantStore {
  readonly engine = 'mssql' as const;
  private readonly fail: (error: unknown) => never;
  private readonly runOnPool: MssqlRun = (statement, values) => runStatement(this.pool, statement, values);

  private constructor(
    private readonly pool: mssql.ConnectionPool,
    tenantId: string,
  ) {
    this.fail = unavailableOr(tenantId, isMssqlUnavailable);
  }

  /** Connects the pool; a server that cannot be reached gives TenantDatabaseUnavailableError. */
  static async open(settings: MssqlSettings, options: TenantStoreOptions = {}): Promise<MssqlTenantStore> {
    const tenantId = options.tenantId ?? 'unknown';
    const config = mssqlConfigFrom(settings.url, (text) => mssql.ConnectionPool.parseConnectionString(text), {
      poolMax: settings.poolMax,
    });
    const pool = new mssql.ConnectionPool(config);
    // Connections that drop while idle are reported here; without a listener the process would crash.
    pool.on('error', () => undefined);
    try {
      await pool.connect();
    } catch (error) {
      await pool.close().catch(() => undefined);
      unavailableOr(tenantId, isMssqlUnavailable)(error);
    }
    return new MssqlTenantStore(pool, tenantId);
  }

  private run<P extends string, R = Record<string, unknown>>(
    statement: MssqlStatement<P>,
    values: Record<P, unknown>,
    on: mssql.ConnectionPool | mssql.Transaction = this.pool,
  ): Promise<mssql.IResult<R>> {
    return runStatement<P, R>(on, statement, values);
  }

  async insertInboundMessage(row: InboundMessageRowV1): Promise<InsertOutcome> {
    const values = encodeInboundRow(row);
    try {
      const found = await retryDeadlocks(async () =>
        lastRow(await this.run<keyof typeof values, { inserted: number; media_status: MediaStatus }>(sql.insertInboundMessage, values)),
      );
      if (found === undefined) throw new Error('wa_inbound_messages row was neither inserted nor found');
      return found.inserted === 1 ? { outcome: 'inserted' } : { outcome: 'duplicate', mediaStatus: found.media_status };
    } catch (error) {
      return this.fail(error);
    }
  }

  async applyMediaOutcome(key: MessageKey, outcome: MediaOutcomeV1): Promise<MediaApplyOutcome> {
    const keyValues = encodeKey(key);
    try {
      const row = await retryDeadlocks(async () =>
        lastRow(
          outcome.status === 'stored'
            ? await this.run<keyof typeof sql.applyMediaStored.params, MediaApplyRow>(sql.applyMediaStored, {
                ...keyValues,
                ...encodeStoredMedia(outcome),
              })
            : await this.run<keyof typeof sql.applyMediaFailed.params, MediaApplyRow>(sql.applyMediaFailed, {
                ...keyValues,
                media_error: encodeMediaError(outcome),
              }),
        ),
      );
      if (row !== undefined && row.applied > 0) return 'applied';
      return row !== undefined && row.found === 1 ? 'unchanged' : 'missing';
    } catch (error) {
      return this.fail(error);
    }
  }

  async listInboundMessages(options: ListInboundOptions = {}): Promise<InboundMessageRecord[]> {
    try {
      const result = await this.run<'limit', InboundDbRow>(sql.listInboundMessages, {
        limit: options.limit ?? DEFAULT_LIST_LIMIT,
      });
      return result.recordset.map(decodeInboundRow);
    } catch (error) {
      return this.fail(error);
    }
  }

  async findInboundMessage(key: MessageKey): Promise<InboundMessageRecord | undefined> {
    try {
      const result = await this.run<keyof typeof sql.findInboundMessage.params, InboundDbRow>(
        sql.findInboundMessage,
        encodeKey(key),
      );
      const row = result.recordset[0];
      return row === undefined ? undefined : decodeInboundRow(row);
    } catch (error) {
      return this.fail(error);
    }
  }

  leaseDueMessages(options: LeaseOptions): Promise<LeasedOutboundRow[]> {
    return this.guard(() => outbound.leaseDueMessages(this.runOnPool, options));
  }

  markQueued(rows: readonly OutboundRowRef[], now: Date): Promise<void> {
    return this.guard(() => outbound.markQueued(this.runOnPool, rows, now));
  }

  releaseLeases(rows: readonly OutboundRowRef[], now: Date): Promise<void> {
    return this.guard(() => outbound.releaseLeases(this.runOnPool, rows, now));
  }

  failOutboundMessage(row: OutboundRowRef, error: { code: string; message: string }, now: Date): Promise<void> {
    return this.guard(() => outbound.failOutboundMessage(this.runOnPool, row, error, now));
  }

  reapExpiredLeases(options: ReapOptions): Promise<ReapResult> {
    return this.guard(() => outbound.reapExpiredLeases(this.runOnPool, options));
  }

  recordStatusEvent(event: StatusEventRow): Promise<'inserted' | 'duplicate'> {
    return this.guard(() => outbound.recordStatusEvent(this.runOnPool, event));
  }

  applySendResult(result: SendResultUpdate): Promise<'applied' | 'stale'> {
    return this.guard(() => outbound.applySendResult(this.runOnPool, result));
  }

  applyReceipt(receipt: ReceiptUpdate): Promise<'applied' | 'unchanged' | 'no-row'> {
    return this.guard(() => outbound.applyReceipt(this.runOnPool, receipt));
  }

  claimSentMessage(claim: SentMessageClaim): Promise<'claimed' | 'unchanged'> {
    return this.guard(() => outbound.claimSentMessage(this.runOnPool, claim));
  }

  listStatusEvents(provider: Provider, providerMessageId: string): Promise<StatusEventRow[]> {
    return this.guard(() => outbound.listStatusEvents(this.runOnPool, provider, providerMessageId));
  }

  insertOutboundMessage(row: NewOutboundMessage): Promise<string> {
    return this.guard(() => outbound.insertOutboundMessage(this.runOnPool, row));
  }

  listOutboundMessages(options?: ListOutboundOptions): Promise<OutboundMessageRecord[]> {
    return this.guard(() => outbound.listOutboundMessages(this.runOnPool, options));
  }

  findOutboundMessage(id: string): Promise<OutboundMessageRecord | undefined> {
    return this.guard(() => outbound.findOutboundMessage(this.runOnPool, id));
  }

  listStatusEventRecords(options?: ListStatusEventOptions): Promise<StatusEventRecord[]> {
    return this.guard(() => outbound.listStatusEventRecords(this.runOnPool, options));
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
      assertOpenJsonAvailable(lastRow(await this.run<never, CompatibilityRow>(sql.selectCompatibilityLevel, {})));
      return await runMigrations(mssqlMigrations, async (migration) => {
        const tx = new mssql.Transaction(this.pool);
        await tx.begin();
        try {
          await this.run(sql.lockMigrations, {}, tx);
          await this.run(sql.createMigrationsTable, {}, tx);
          const done = await this.run(sql.selectMigration, { version: migration.version }, tx);
          if (done.recordset.length > 0) {
            await tx.commit();
            return false;
          }
          for (const statement of migration.statements) await new mssql.Request(tx).batch(statement);
          await this.run(sql.recordMigration, { version: migration.version, name: migration.name }, tx);
          await tx.commit();
          return true;
        } catch (error) {
          await tx.rollback().catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      return this.fail(error);
    }
  }

  private closing: Promise<void> | undefined;

  /** Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.pool.close().then(() => undefined);
    return this.closing;
  }
}
