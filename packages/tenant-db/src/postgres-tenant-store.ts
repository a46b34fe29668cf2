import type { DatabaseSettingsV1 } from '@wagw/contracts';
import pg from 'pg';
import { PostgresDialectStore, type PgExecutor, type PgQueryResult, type PgSession, type PgTransactionLimits } from './postgres-dialect-store';
import type { TenantStoreOptions } from './tenant-store';
import { isPostgresUnavailable } from './unavailable-errors';

export type PostgresSettings = Extract<DatabaseSettingsV1, { engine: 'postgres' }>;

const DEFAULT_POOL_MAX = 5;

/**
 * How long one tenant's database may keep a record waiting. A database that drops packets or hangs
 * must fail its own records fast (TenantDatabaseUnavailableError), well within the function timeout,
 * instead of stalling the whole batch and so every other tenant's records with it.
 */
export interface PostgresTimeouts {
  /** Opening a connection (TCP + startup + authentication). */
  connectTimeoutMs: number;
  /** Server side: the server cancels a statement running longer (SQLSTATE 57014); the connection stays usable. */
  statementTimeoutMs: number;
  /** Client side, for a server that stops answering at all; a little later so the server's cancel normally wins. */
  queryTimeoutMs: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = { connectTimeoutMs: 3_000, statementTimeoutMs: 5_000, queryTimeoutMs: 6_000 };

/** Schema migrations (ops, never on a record's path) may legitimately run long. */
const MIGRATION_QUERY_TIMEOUT_MS = 10 * 60_000;

export const postgresPoolConfig = (settings: PostgresSettings, timeouts: PostgresTimeouts = DEFAULT_POSTGRES_TIMEOUTS): pg.PoolConfig => ({
  connectionString: settings.url,
  max: settings.poolMax ?? DEFAULT_POOL_MAX,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: timeouts.connectTimeoutMs,
  statement_timeout: timeouts.statementTimeoutMs,
  query_timeout: timeouts.queryTimeoutMs,
  allowExitOnIdle: true,
});

const toResult = <R>(result: pg.QueryResult): PgQueryResult<R> => ({
  rows: result.rows as R[],
  rowCount: result.rowCount ?? result.rows.length,
});

class PgPoolExecutor implements PgExecutor {
  constructor(private readonly pool: pg.Pool) {}

  async query<R>(text: string, params: readonly unknown[] = []): Promise<PgQueryResult<R>> {
    return toResult<R>(await this.pool.query(text, [...params]));
  }

  async transaction<T>(work: (session: PgSession) => Promise<T>, limits: PgTransactionLimits): Promise<T> {
    const client = await this.pool.connect();
    // pg honours a per-query query_timeout; @types/pg does not declare it. Without one, the pool's applies.
    const run = (text: string, params: readonly unknown[] = []) =>
      limits === 'migration'
        ? client.query({ text, values: [...params], query_timeout: MIGRATION_QUERY_TIMEOUT_MS } as pg.QueryConfig)
        : client.query(text, [...params]);
    const session: PgSession = { query: async <R>(text: string, params?: readonly unknown[]) => toResult<R>(await run(text, params)) };
    try {
      await run('BEGIN');
      if (limits === 'migration') await run('SET LOCAL statement_timeout = 0');
      const result = await work(session);
      await run('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A client whose ROLLBACK fails is in an unknown state: destroy it instead of pooling it. A lost
      // or silent connection is destroyed at once: the server rolls back, and a ROLLBACK would only wait.
      const rolledBack =
        !isPostgresUnavailable(error) &&
        (await run('ROLLBACK').then(
          () => true,
          () => false,
        ));
      client.release(rolledBack ? undefined : true);
      throw error;
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** A tenant database on a PostgreSQL server, through a `pg` connection pool. */
export class PostgresTenantStore extends PostgresDialectStore {
  constructor(settings: PostgresSettings, options: TenantStoreOptions & { timeouts?: PostgresTimeouts } = {}) {
    const pool = new pg.Pool(postgresPoolConfig(settings, options.timeouts));
    // An idle client losing its connection (server restart) is reported here; without a listener it
    // would crash the process. The next query simply gets a fresh client.
    pool.on('error', () => undefined);
    super('postgres', new PgPoolExecutor(pool), options.tenantId ?? 'unknown');
  }
}
