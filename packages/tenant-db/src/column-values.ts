import { TenantRowInvalidError } from './errors';

/**
 * How both dialects turn values into column values and back, so a tenant behaves the same on either
 * engine: the same refusals, the same cuts, the same NUL replacement.
 */

const NUL = /\u0000/g;

/**
 * PostgreSQL refuses U+0000 in text and jsonb; a message containing one must not become a poison
 * record, so it is replaced by U+FFFD in every dialect alike.
 */
export const withoutNul = (value: string): string => value.replace(NUL, '\uFFFD');

const cleanJson = (value: unknown): unknown => {
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map(cleanJson);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNul(key), cleanJson(item)]));
  }
  return value;
};

export const encodeJson = (value: unknown): string => JSON.stringify(cleanJson(value));

/** A key or id: refused (TenantRowInvalidError) when wider than its column. */
export const text = (column: string, value: string, width?: number): string => {
  const clean = withoutNul(value);
  if (width !== undefined && clean.length > width) {
    throw new TenantRowInvalidError(`${column} is ${clean.length} characters long; the column holds ${width}`);
  }
  return clean;
};

export const optionalText = (column: string, value: string | null, width?: number): string | null =>
  value === null ? null : text(column, value, width);

/**
 * A free-form, non-identifying value cut to its column instead of refused: a provider's long type or
 * content type must not make a message undeliverable (the full value stays in raw / payload).
 * Never cuts a surrogate pair in half.
 */
export const clipped = (value: string, width: number): string => {
  const clean = withoutNul(value);
  if (clean.length <= width) return clean;
  const cut = clean.slice(0, width);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
};

export const optionalClipped = (value: string | null, width: number): string | null => (value === null ? null : clipped(value, width));

export const instant = (column: string, value: Date): Date => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TenantRowInvalidError(`${column} is not a valid date`);
  }
  // SQL Server's DATETIME2 holds years 1–9999; PostgreSQL would take more. Refusing in both keeps a
  // tenant's behaviour the same on either engine (e.g. a millisecond timestamp read as seconds).
  const year = value.getUTCFullYear();
  if (year < 1 || year > 9999) throw new TenantRowInvalidError(`${column} is outside years 1–9999`);
  return value;
};

export const optionalInstant = (column: string, value: Date | null): Date | null => (value === null ? null : instant(column, value));

const MAX_BIGINT = 9223372036854775807n;

/** A BIGINT row id as the gateway carries it (a decimal string: BIGINT exceeds 2^53). */
export const rowId = (column: string, value: string): string => {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value) || BigInt(value) > MAX_BIGINT) {
    throw new TenantRowInvalidError(`${column} must be a decimal BIGINT id`);
  }
  return value;
};

const MAX_INT = 2_147_483_647;

/** An INT column value (attempts, limits). */
export const whole = (column: string, value: number, min = 0): number => {
  if (!Number.isInteger(value) || value < min || value > MAX_INT) {
    throw new TenantRowInvalidError(`${column} must be a whole number from ${min} to ${MAX_INT}`);
  }
  return value;
};

export const nullableString = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

export const nullableDate = (value: unknown): Date | null => (value === null || value === undefined ? null : toDate(value));

/** jsonb arrives parsed, NVARCHAR JSON as text. */
export const parseJsonColumn = (value: unknown): Record<string, unknown> =>
  (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
