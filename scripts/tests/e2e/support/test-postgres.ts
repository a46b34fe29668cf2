import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The local server CI starts (trust auth). PG_URL overrides it. */
export const postgresAdminUrl = (): string => process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const databaseUrl = (name: string, adminUrl = postgresAdminUrl()): string => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** A database name no other run uses: lowercase, digits and underscores only (safe as an identifier). */
export const uniqueDatabaseName = (prefix: string): string =>
  `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');

const withAdmin = async <T>(run: (client: Client) => Promise<T>, adminUrl = postgresAdminUrl()): Promise<T> => {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
};

const assertIdentifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe database name: ${name}`);
  return name;
};

export const createDatabase = async (name: string, adminUrl?: string): Promise<string> => {
  await withAdmin((client) => client.query(`CREATE DATABASE ${assertIdentifier(name)}`), adminUrl);
  return databaseUrl(name, adminUrl);
};

export const dropDatabase = async (name: string, adminUrl?: string): Promise<void> => {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${assertIdentifier(name)} WITH (FORCE)`), adminUrl);
};

/** Runs one query against a database and returns its rows. */
export const queryDatabase = async <Row extends Record<string, unknown>>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
};
