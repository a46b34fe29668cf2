import type { config as MssqlConfig } from 'mssql';
import { ConfigError } from '@wagw/core';

export interface MssqlPoolOptions {
  poolMax?: number;
}

const DEFAULT_POOL_MAX = 5;

const flag = (value: string | null, fallback: boolean): boolean =>
  value === null ? fallback : ['true', '1', 'yes'].includes(value.toLowerCase());

const milliseconds = (value: string | null): number | undefined => {
  if (value === null) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
};

/**
 * `mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=false` (the URL form
 * DatabaseSettingsV1 documents; user and password percent-encoded) → an `mssql` config object.
 * Query options: encrypt (default true), trustServerCertificate (default false), instanceName,
 * connectTimeout / requestTimeout (ms). The error never echoes the URL: it may hold a password.
 */
export const mssqlConfigFromUrl = (url: string, options: MssqlPoolOptions = {}): MssqlConfig => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('the SQL Server database URL is not a valid URL');
  }
  if (parsed.protocol !== 'mssql:' && parsed.protocol !== 'sqlserver:') {
    throw new ConfigError(`the SQL Server database URL must start with mssql:// (got ${parsed.protocol}//)`);
  }
  const query = parsed.searchParams;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const instanceName = query.get('instanceName') ?? undefined;
  return {
    server: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 1433 : Number(parsed.port),
    user: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    database: database === '' ? undefined : database,
    connectionTimeout: milliseconds(query.get('connectTimeout')) ?? 15_000,
    requestTimeout: milliseconds(query.get('requestTimeout')) ?? 30_000,
    options: {
      encrypt: flag(query.get('encrypt'), true),
      trustServerCertificate: flag(query.get('trustServerCertificate'), false),
      ...(instanceName === undefined ? {} : { instanceName }),
    },
    pool: { max: options.poolMax ?? DEFAULT_POOL_MAX, min: 0, idleTimeoutMillis: 30_000 },
  };
};

/** Accepts the URL form or an ADO-style string (`Server=…;Database=…;User Id=…;Password=…`). */
export const mssqlConfigFrom = (
  connection: string,
  parseAdo: (connectionString: string) => MssqlConfig,
  options: MssqlPoolOptions = {},
): MssqlConfig => {
  if (/^(mssql|sqlserver):\/\//i.test(connection)) return mssqlConfigFromUrl(connection, options);
  const config = parseAdo(connection);
  return { ...config, pool: { ...config.pool, max: options.poolMax ?? config.pool?.max ?? DEFAULT_POOL_MAX } };
};
