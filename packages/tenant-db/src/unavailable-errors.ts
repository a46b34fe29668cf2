import { TenantDatabaseUnavailableError, isGatewayError } from '@wagw/core';

/** Socket-level failures: the server is not reachable right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs meaning "not now": connection exceptions (class 08), shutdown / "the database
 * system is starting up" (57P01–57P03), too many connections (53300), and a statement cancelled by
 * statement_timeout (57014: the database is too slow to answer now).
 */
const POSTGRES_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** node-postgres reports client-side timeouts and dropped connections only by message. */
const POSTGRES_UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /query read timeout/i,
  /connection timeout/i,
  /client has encountered a connection error/i,
  /pglite is closed/i,
];

/** mssql / tedious codes for a connection that could not be made or was lost, and request timeouts. */
const MSSQL_UNAVAILABLE_CODES = new Set(['ESOCKET', 'ETIMEOUT', 'ECONNCLOSED', 'ENOTOPEN', 'ENOCONN', 'EINSTLOOKUP']);

/**
 * SQL Server error numbers for a database that is unavailable for now (Azure SQL transient errors,
 * database starting/recovering, transport-level errors).
 */
const MSSQL_UNAVAILABLE_NUMBERS = new Set([
  64, 233, 4060, 4221, 10053, 10054, 10060, 10928, 10929, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918,
  49919, 49920,
]);

interface ErrorFields {
  code?: unknown;
  /** tedious marks login failures it knows to be transient (4060, 40613, …) this way; they carry no number. */
  isTransient?: unknown;
  number?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  originalError?: unknown;
}

/** The error and everything it wraps (cause, AggregateError members, mssql originalError). */
const chain = (error: unknown, depth = 0): ErrorFields[] => {
  if (error === null || typeof error !== 'object' || depth > 5) return [];
  const fields = error as ErrorFields;
  const nested = [fields.cause, fields.originalError, ...(Array.isArray(fields.errors) ? fields.errors : [])];
  return [fields, ...nested.flatMap((inner) => chain(inner, depth + 1))];
};

const codeOf = (fields: ErrorFields): string | undefined => (typeof fields.code === 'string' ? fields.code : undefined);

export const isPostgresUnavailable = (error: unknown): boolean =>
  chain(error).some((fields) => {
    const code = codeOf(fields);
    if (code !== undefined && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE_STATES.has(code) || code.startsWith('08'))) {
      return true;
    }
    const message = typeof fields.message === 'string' ? fields.message : '';
    return POSTGRES_UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
  });

export const isMssqlUnavailable = (error: unknown): boolean =>
  chain(error).some((fields) => {
    const code = codeOf(fields);
    if (code !== undefined && (NETWORK_CODES.has(code) || MSSQL_UNAVAILABLE_CODES.has(code))) return true;
    if (fields.isTransient === true) return true;
    return typeof fields.number === 'number' && MSSQL_UNAVAILABLE_NUMBERS.has(fields.number);
  });

/** Wraps "database not reachable now" driver errors; everything else propagates unchanged. */
export const unavailableOr = (tenantId: string, isUnavailable: (error: unknown) => boolean) =>
  (error: unknown): never => {
    if (!isGatewayError(error) && isUnavailable(error)) throw new TenantDatabaseUnavailableError(tenantId, error);
    throw error;
  };
