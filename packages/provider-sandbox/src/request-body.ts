import type { IncomingMessage } from 'node:http';
import { isRecord } from './json-values';
import type { JsonObject } from './json-values';

/** Meta's documents go up to 100 MB; a little more so the sandbox, not the socket, answers an oversize. */
export const MAX_BODY_BYTES = 110 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  readonly retryable = false;
  constructor() {
    super(`request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
}

export const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
};

/** The body as a JSON object, or undefined when it is not one. */
export const parseJsonObject = (bytes: Buffer): JsonObject | undefined => {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

export const isMultipart = (contentType: string | undefined): contentType is string =>
  contentType !== undefined && /^multipart\/form-data\s*;/i.test(contentType);

/** A multipart/form-data body parsed by Node's own (undici) parser; undefined when malformed. */
export const parseMultipart = async (bytes: Buffer, contentType: string): Promise<FormData | undefined> => {
  try {
    return await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
};

/** The first file of a form (the `file` field when present). */
export const formFile = (form: FormData): File | undefined => {
  const named = form.get('file');
  if (named instanceof File) return named;
  for (const [, value] of form) if (value instanceof File) return value;
  return undefined;
};

/** Text fields and a description of the file: what `requests[].body` records for an upload. */
export const describeForm = (form: FormData): JsonObject => {
  const description: JsonObject = {};
  for (const [name, value] of form) {
    description[name] = value instanceof File ? { filename: value.name, mimeType: value.type, size: value.size } : value;
  }
  return description;
};

/** `image/jpeg; charset=x` → `image/jpeg`. */
export const baseMimeType = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();
