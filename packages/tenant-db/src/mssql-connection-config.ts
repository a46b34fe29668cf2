import type { config as MssqlConfig } from 'mssql';
import { ConfigError } from '@wagw/core';

export interface MssqlPoolOptions {
  poolMax?: number;
}

const DEFAULT_POOL_MAX = 5;
const DEFAULT_CONNECTION_TIMEOUT_MS = 15_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

// Settings errors never echo the URL or the value: either may hold a password.
const invalid = (problem: string): ConfigError => new ConfigError(`the SQL Server database URL is invalid: ${problem}`);

const QUERY_KEYS = ['encrypt', 'trustservercertificate', 'instancename', 'connecttimeout', 'requesttimeout'] as const;
type QueryKey = (typeof QUERY_KEYS)[number];

/** Query options by lower-cased name; an unknown option is refused rather than silently ignored. */
const queryOptions = (url: URL): Map<QueryKey, string> => {
  const options = new Map<QueryKey, string>();
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase() as QueryKey;
    if (!QUERY_KEYS.includes(key)) throw invalid(`unknown option "${name}" (known: encrypt, trustServerCertificate, instanceName, connectTimeout, requestTimeout)`);
    options.set(key, value);
  }
  return options;
};

const yesNo = (name: string, value: string | undefined, fallback: boolean): boolean => {
  if (value === undefined) return fallback;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw invalid(`${name} must be true or false`);
};

/** TDS 8.0 'strict' is the strongest mode; anything unrecognised is an error, never "off". */
const encryptOption = (value: string | undefined): boolean | 'strict' =>
  value?.toLowerCase() === 'strict' ? 'strict' : yesNo('encrypt', value, true);

const milliseconds = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw invalid(`${name} must be a number of milliseconds`);
  return parsed;
};

const decoded = (part: string, what: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`the ${what} is not valid percent-encoding`);
  }
};

/**
 * `mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=false` (the URL form
 * DatabaseSettingsV1 documents; user and password percent-encoded) → an `mssql` config object.
 * Query options (names case-insensitive): encrypt (true | false | strict, default true),
 * trustServerCertificate (default false), instanceName, connectTimeout / requestTimeout (ms).
 * The database is required: without it the login's default database (often master) would get the tables.
 */
export const mssqlConfigFromUrl = (url: string, options: MssqlPoolOptions = {}): MssqlConfig => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('not a URL');
  }
  if (parsed.protocol !== 'mssql:' && parsed.protocol !== 'sqlserver:') {
    throw invalid(`it must start with mssql:// (got ${parsed.protocol}//)`);
  }
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  if (segments.length !== 1) throw invalid('it must name exactly one database, as in mssql://host:1433/database');
  const query = queryOptions(parsed);
  const instanceName = query.get('instancename');
  return {
    server: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 1433 : Number(parsed.port),
    user: parsed.username === '' ? undefined : decoded(parsed.username, 'user name'),
    password: parsed.password === '' ? undefined : decoded(parsed.password, 'password'),
    database: decoded(segments[0]!, 'database name'),
    connectionTimeout: milliseconds('connectTimeout', query.get('connecttimeout'), DEFAULT_CONNECTION_TIMEOUT_MS),
    requestTimeout: milliseconds('requestTimeout', query.get('requesttimeout'), DEFAULT_REQUEST_TIMEOUT_MS),
    options: {
      // mssql's typings predate TDS 8.0; tedious accepts 'strict'.
      encrypt: encryptOption(query.get('encrypt')) as boolean,
      trustServerCertificate: yesNo('trustServerCertificate', query.get('trustservercertificate'), false),
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
  let config: MssqlConfig;
  try {
    config = parseAdo(connection);
  } catch {
    throw new ConfigError('the SQL Server connection string is invalid');
  }
  const max = options.poolMax ?? config.pool?.max ?? DEFAULT_POOL_MAX;
  return {
    ...config,
    connectionTimeout: config.connectionTimeout ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout: config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
    pool: { ...config.pool, max, min: Math.min(config.pool?.min ?? 0, max) },
  };
};
