import type { DatabaseSettingsV1 } from '@wagw/contracts';
import pg from 'pg';
import { PostgresDialectStore, type PgExecutor, type PgQueryResult, type PgSession } from './postgres-dialect-store';
import type { TenantStoreOptions } from './tenant-store';

export type PostgresSettings = Extract<DatabaseSettingsV1, { engine: 'postgres' }>;

const DEFAULT_POOL_MAX = 5;

const toResult = <R>(result: pg.QueryResult): PgQueryResult<R> => ({
  rows: result.rows as R[],
  rowCount: result.rowCount ?? result.rows.length,
});

class PgPoolExecutor implements PgExecutor {
  constructor(private readonly pool: pg.Pool) {}

  async query<R>(text: string, params: readonly unknown[] = []): Promise<PgQueryResult<R>> {
    return toResult<R>(await this.pool.query(text, [...params]));
  }

  async transaction<T>(work: (session: PgSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const session: PgSession = {
      query: async <R>(text: string, params: readonly unknown[] = []) => toResult<R>(await client.query(text, [...params])),
    };
    try {
      await client.query('BEGIN');
      const result = await work(session);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A client whose ROLLBACK fails is in an unknown state: destroy it instead of pooling it.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
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
  constructor(settings: PostgresSettings, options: TenantStoreOptions = {}) {
    const pool = new pg.Pool({
      connectionString: settings.url,
      max: settings.poolMax ?? DEFAULT_POOL_MAX,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      allowExitOnIdle: true,
    });
    // An idle client losing its connection (server restart) is reported here; without a listener it
    // would crash the process. The next query simply gets a fresh client.
    pool.on('error', () => undefined);
    super('postgres', new PgPoolExecutor(pool), options.tenantId ?? 'unknown');
  }
}
