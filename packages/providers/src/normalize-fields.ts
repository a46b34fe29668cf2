import { isJsonObject, type JsonObject } from './json-body';
import type { NormalizedMedia } from './normalized-message';
import { unixSecondsToIso } from './unix-seconds';

/**
 * Total readers over untrusted provider JSON, shared by the Meta and Whapi normalizers: each returns
 * undefined (or an empty value) instead of throwing, whatever the input holds.
 */

export const asObject = (value: unknown): JsonObject | undefined => (isJsonObject(value) ? value : undefined);

/** An own property only: a type named `constructor` or `__proto__` must not reach Object.prototype. */
export const read = (object: JsonObject | undefined, key: string): unknown =>
  object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;

export const readObject = (object: JsonObject | undefined, key: string): JsonObject | undefined =>
  asObject(read(object, key));

export const readArray = (object: JsonObject | undefined, key: string): unknown[] => {
  const value = read(object, key);
  return Array.isArray(value) ? value : [];
};

export const readString = (object: JsonObject | undefined, key: string): string | undefined => {
  const value = read(object, key);
  return typeof value === 'string' ? value : undefined;
};

/** A non-empty string (ids and senders: Meta sends `from: ""` for username adopters). */
export const readId = (object: JsonObject | undefined, key: string): string | undefined => {
  const value = readString(object, key);
  return value === undefined || value === '' ? undefined : value;
};

/** A finite number, also from a numeric string (the SDKs type coordinates and prices as strings). */
export const toNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

export const readNumber = (object: JsonObject | undefined, key: string): number | undefined => toNumber(read(object, key));

export const firstOf = (...values: (string | undefined)[]): string | undefined => values.find((value) => value !== undefined);

export const joinText = (parts: (string | undefined)[], separator: string): string | undefined => {
  const kept = parts.filter((part): part is string => part !== undefined && part.trim() !== '');
  return kept.length === 0 ? undefined : kept.join(separator);
};

export const unixSecondsToDate = (value: unknown): Date | null => {
  const iso = unixSecondsToIso(value);
  return iso === undefined ? null : new Date(iso);
};

/** JSON.parse that reports failure as undefined. */
export const parseJsonSafely = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The type-specific object as a payload: an object is copied, any other value is kept under `value`. */
export const contentPayload = (content: unknown): JsonObject => {
  if (isJsonObject(content)) return { ...content };
  return content === undefined ? {} : { value: content };
};

/** The human-readable part of an object of an unfamiliar type, when it has one. */
export const guessBody = (content: JsonObject | undefined): string | undefined =>
  firstOf(
    readString(content, 'body'),
    readString(content, 'caption'),
    readString(content, 'text'),
    readString(content, 'title'),
    readString(content, 'name'),
  );

export interface TypeContent {
  body?: string;
  replyToId?: string;
  payload: JsonObject;
  media?: NormalizedMedia;
}

/** Location pins (both providers): coordinates as numbers even when sent as strings; body = name, address. */
export const locationContent = (location: JsonObject | undefined): TypeContent => {
  const payload = contentPayload(location);
  payload.latitude = readNumber(location, 'latitude') ?? null;
  payload.longitude = readNumber(location, 'longitude') ?? null;
  const body = joinText([readString(location, 'name'), readString(location, 'address')], ', ') ?? readString(location, 'caption');
  return { payload, ...(body === undefined ? {} : { body }) };
};

/** Media fields as far as the item states them; undefined when there is nothing to fetch. */
export const mediaOf = (
  kind: string,
  content: JsonObject | undefined,
  keys: { link: string; size?: string },
): NormalizedMedia | undefined => {
  const mediaId = readId(content, 'id');
  const link = readId(content, keys.link);
  if (mediaId === undefined && link === undefined) return undefined;
  const size = keys.size === undefined ? undefined : readNumber(content, keys.size);
  const media: NormalizedMedia = { kind };
  if (mediaId !== undefined) media.mediaId = mediaId;
  if (link !== undefined) media.link = link;
  const mimeType = readId(content, 'mime_type');
  if (mimeType !== undefined) media.mimeType = mimeType;
  const sha256 = readId(content, 'sha256');
  if (sha256 !== undefined) media.sha256 = sha256;
  const filename = readId(content, 'filename');
  if (filename !== undefined) media.filename = filename;
  if (size !== undefined && Number.isSafeInteger(size) && size >= 0) media.size = size;
  return media;
};

