import { MalformedWebhookError } from '@wagw/core/errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string with something in it, else undefined (providers send `""` for absent ids). */
export const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** JSON.parse of the UTF-8 bytes, exactly as received. Any failure is a MalformedWebhookError. */
export const parseJsonBody = (rawBody: Uint8Array): unknown => {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    throw new MalformedWebhookError('body is not valid UTF-8');
  }
  if (text.trim() === '') throw new MalformedWebhookError('body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedWebhookError('body is not valid JSON');
  }
};
