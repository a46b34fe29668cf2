import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseSettingsV1, InboundMessageRowV1, MediaOutcomeV1, MediaStatus } from '@wagw/contracts';
import type { InsertOutcome, MediaApplyOutcome, MessageKey } from '@wagw/core';
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
import { mssqlConfigFrom } from './mssql-connection-config';
import { mssqlMigrations, mssqlStatements as sql, type MssqlParamType, type MssqlStatement } from './sql/mssql';
import { DEFAULT_LIST_LIMIT, type InboundMessageRecord, type ListInboundOptions, type TenantStore, type TenantStoreOptions } from './tenant-store';
import { isMssqlUnavailable, unavailableOr } from './unavailable-errors';

export type MssqlSettings = Extract<DatabaseSettingsV1, { engine: 'mssql' }>;

const DEADLOCK_VICTIM = 1205;
const DEADLOCK_TRIES = 3;

const sqlType = (type: MssqlParamType): mssql.ISqlType | (() => mssql.ISqlType) => {
  switch (type.kind) {
    case 'nvarchar':
      return mssql.NVarChar(type.length);
    case 'nvarchar-max':
      return mssql.NVarChar(mssql.MAX);
    case 'datetime2':
      return mssql.DateTime2(3);
    case 'bigint':
      return mssql.BigInt;
    case 'int':
      return mssql.Int;
  }
};

const isDeadlockVictim = (error: unknown): boolean =>
  error instanceof mssql.RequestError && (error.number === DEADLOCK_VICTIM || (error.originalError as { number?: number } | undefined)?.number === DEADLOCK_VICTIM);

/** A deadlock victim is rolled back whole: run it again after a short random pause, a few times. */
const retryDeadlocks = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= DEADLOCK_TRIES || !isDeadlockVictim(error)) throw error;
      await sleep(10 + Math.random() * 40 * tried);
    }
  }
};

/** The statement's own answer is its last result set: a tenant's trigger may return rows of its own first. */
const lastRow = <R>(result: mssql.IResult<R>): R | undefined => result.recordsets.at(-1)?.[0];

interface MediaApplyRow {
  applied: number;
  found: number;
}

/** A tenant database on SQL Server, through an `mssql` (tedious) connection pool. */
export class MssqlTenantStore implements TenantStore {
  readonly engine = 'mssql' as const;
  private readonly fail: (error: unknown) => never;

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
    const request = on instanceof mssql.Transaction ? new mssql.Request(on) : new mssql.Request(on);
    for (const name of Object.keys(statement.params) as P[]) {
      request.input(name, sqlType(statement.params[name]), values[name]);
    }
    return request.query<R>(statement.text);
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

  async migrate(): Promise<MigrationResult> {
    try {
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
