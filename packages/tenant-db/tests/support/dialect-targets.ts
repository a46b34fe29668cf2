import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSettingsV1 } from '@wagw/contracts';
import * as mssql from 'mssql';
import pg from 'pg';
import { acquirePglite } from '../../src/pglite-instances';
import { closedPort } from './closed-port';

/** A fresh, empty database on one target, with a way to look at it from outside the store. */
export interface TargetDatabase {
  settings: DatabaseSettingsV1;
  /** How many tables of each name exist in the store's schema. */
  tableCounts(names: readonly string[]): Promise<Record<string, number>>;
  /** Versions recorded in wa_schema_migrations. */
  recordedVersions(): Promise<number[]>;
  /** Empties wa_outbound_messages and wa_status_events (a lease takes every due row of the table). */
  clearOutboundTables(): Promise<void>;
  /** Runs statements as a tenant (or a hostile tenant) would, outside the store, one after another. */
  execute(statements: readonly string[]): Promise<void>;
  drop(): Promise<void>;
}

export interface DialectTarget {
  name: string;
  /** Why the target does not run here, or undefined when it does. */
  skipReason?: string;
  create(): Promise<TargetDatabase>;
  /** Settings for a database that cannot be reached, and how to remove what that took. */
  unavailableDatabase(): Promise<{ settings: DatabaseSettingsV1; cleanup(): Promise<void> }>;
}

const testDatabaseName = (): string => `wagw_test_${randomBytes(6).toString('hex')}`;

const countByName = (names: readonly string[], found: readonly string[]): Record<string, number> =>
  Object.fromEntries(names.map((name) => [name, found.filter((table) => table === name).length]));

const CLEAR_OUTBOUND = ['DELETE FROM wa_outbound_messages', 'DELETE FROM wa_status_events'];

const POSTGRES_TABLES = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)`;

const pgliteTarget: DialectTarget = {
  name: 'PGlite',
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'wagw-pglite-'));
    const dataDir = join(dir, 'db');
    const inspect = async <T>(work: (db: Awaited<ReturnType<typeof acquirePglite>>['db']) => Promise<T>): Promise<T> => {
      // Joins the instance the store has open (one per directory per process).
      const handle = await acquirePglite(dataDir);
      try {
        return await work(handle.db);
      } finally {
        await handle.release();
      }
    };
    return {
      settings: { engine: 'pglite', dataDir },
      tableCounts: (names) =>
        inspect(async (db) => {
          const result = await db.query<{ table_name: string }>(POSTGRES_TABLES, [names]);
          return countByName(names, result.rows.map((row) => row.table_name));
        }),
      recordedVersions: () =>
        inspect(async (db) => (await db.query<{ version: number }>('SELECT version FROM wa_schema_migrations ORDER BY version')).rows.map((row) => row.version)),
      clearOutboundTables: () =>
        inspect(async (db) => {
          for (const statement of CLEAR_OUTBOUND) await db.query(statement);
        }),
      execute: (statements) =>
        inspect(async (db) => {
          for (const statement of statements) await db.query(statement);
        }),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  },
  async unavailableDatabase() {
    // A regular file where the data directory should be: the database cannot be opened.
    const dir = await mkdtemp(join(tmpdir(), 'wagw-pglite-broken-'));
    const file = join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    return {
      settings: { engine: 'pglite', dataDir: join(file, 'db') },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withPgClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const postgresTarget: DialectTarget = {
  name: 'PostgreSQL',
  async create() {
    const name = testDatabaseName();
    await withPgClient(PG_URL, (client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    return {
      settings: { engine: 'postgres', url: databaseUrl, poolMax: 12 },
      tableCounts: (names) =>
        withPgClient(databaseUrl, async (client) => {
          const result = await client.query<{ table_name: string }>(POSTGRES_TABLES, [names]);
          return countByName(names, result.rows.map((row) => row.table_name));
        }),
      recordedVersions: () =>
        withPgClient(databaseUrl, async (client) =>
          (await client.query<{ version: number }>('SELECT version FROM wa_schema_migrations ORDER BY version')).rows.map((row) => row.version),
        ),
      clearOutboundTables: () =>
        withPgClient(databaseUrl, async (client) => {
          for (const statement of CLEAR_OUTBOUND) await client.query(statement);
        }),
      execute: (statements) =>
        withPgClient(databaseUrl, async (client) => {
          for (const statement of statements) await client.query(statement);
        }),
      drop: async () => {
        await withPgClient(PG_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  },
  async unavailableDatabase() {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`;
    return { settings: { engine: 'postgres', url }, cleanup: async () => undefined };
  },
};

const MSSQL_URL = process.env.MSSQL_URL;

const withMssql = async <T>(url: string, work: (pool: mssql.ConnectionPool) => Promise<T>): Promise<T> => {
  const { mssqlConfigFromUrl } = await import('../../src/mssql-connection-config');
  const pool = new mssql.ConnectionPool(mssqlConfigFromUrl(url));
  await pool.connect();
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
};

const mssqlTarget: DialectTarget = {
  name: 'SQL Server',
  skipReason:
    MSSQL_URL === undefined
      ? 'MSSQL_URL is not set; set it (e.g. mssql://sa:Passw0rd!@127.0.0.1:1433/master?trustServerCertificate=true) to run the SQL Server target'
      : undefined,
  async create() {
    const serverUrl = MSSQL_URL as string;
    const name = testDatabaseName();
    await withMssql(serverUrl, (pool) => pool.request().batch(`CREATE DATABASE [${name}]`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    return {
      settings: { engine: 'mssql', url: databaseUrl, poolMax: 12 },
      tableCounts: (names) =>
        withMssql(databaseUrl, async (pool) => {
          const result = await pool.request().query<{ name: string }>('SELECT name FROM sys.tables');
          return countByName(names, result.recordset.map((row) => row.name));
        }),
      recordedVersions: () =>
        withMssql(databaseUrl, async (pool) =>
          (await pool.request().query<{ version: number }>('SELECT version FROM wa_schema_migrations ORDER BY version')).recordset.map((row) => row.version),
        ),
      clearOutboundTables: () =>
        withMssql(databaseUrl, async (pool) => {
          for (const statement of CLEAR_OUTBOUND) await pool.request().batch(statement);
        }),
      execute: (statements) =>
        withMssql(databaseUrl, async (pool) => {
          for (const statement of statements) await pool.request().batch(statement);
        }),
      drop: () =>
        withMssql(serverUrl, (pool) =>
          pool.request().batch(`ALTER DATABASE [${name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [${name}];`),
        ).then(() => undefined),
    };
  },
  async unavailableDatabase() {
    const url = `mssql://sa:unused@127.0.0.1:${await closedPort()}/master?connectTimeout=3000`;
    return { settings: { engine: 'mssql', url }, cleanup: async () => undefined };
  },
};

export const dialectTargets: readonly DialectTarget[] = [pgliteTarget, postgresTarget, mssqlTarget];

/** A describe block per target; a target that cannot run here is skipped with a log line saying why. */
export const describeTarget = (target: DialectTarget, title: string, specs: () => void): void => {
  if (target.skipReason !== undefined) {
    describe.skip(`${target.name} ${title}`, () => {
      it('is skipped', () => undefined);
    });
    console.log(`[tenant-db] skipping the ${target.name} target: ${target.skipReason}`);
    return;
  }
  describe(`${target.name} ${title}`, specs);
};
