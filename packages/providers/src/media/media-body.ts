import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { isGatewayError } from '@wagw/core/errors';
import { MediaErrorCode, permanentMediaError, retryableMediaError } from './media-error-codes';

const tooLarge = (what: string, size: string, maxBytes: number) =>
  permanentMediaError(MediaErrorCode.TOO_LARGE, `${what} is ${size}, above the limit of ${maxBytes} bytes`);

/** The Content-Length / file_size a provider declares, when it is a plain non-negative integer. */
export const declaredSize = (value: string | number | undefined): number | undefined => {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const size = Number(value.trim());
  return Number.isSafeInteger(size) ? size : undefined;
};

/** Refuses a download before it starts when its declared size is already above the limit. */
export const assertDeclaredSize = (size: number | undefined, maxBytes: number, what: string): void => {
  if (size !== undefined && size > maxBytes) throw tooLarge(what, `${size} bytes`, maxBytes);
};

/**
 * The body, passed through while counting: more than `maxBytes` aborts the download (MEDIA_TOO_LARGE)
 * whatever the headers said. A connection that breaks mid-body becomes a retryable MEDIA_FETCH_FAILED.
 */
export const limitBody = (source: Readable, maxBytes: number, what: string): Readable => {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(tooLarge(what, `more than ${maxBytes} bytes`, maxBytes));
      else callback(null, chunk);
    },
  });
  // Registered before pipeline's own listener, so the mapped error is the one `limited` carries.
  source.once('error', (error) => {
    limited.destroy(isGatewayError(error) ? error : retryableMediaError(MediaErrorCode.FETCH_FAILED, `${what} was interrupted`, error));
  });
  pipeline(source, limited, () => undefined);
  return limited;
};

/** Reads a small JSON answer (an API's metadata or error envelope), at most `maxBytes`. */
export const readJson = async (body: Readable, maxBytes: number, what: string): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let seen = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      seen += buffer.length;
      if (seen > maxBytes) {
        body.destroy();
        throw permanentMediaError(MediaErrorCode.REJECTED, `${what} answered more than ${maxBytes} bytes of JSON`);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (isGatewayError(error)) throw error;
    throw retryableMediaError(MediaErrorCode.FETCH_FAILED, `${what} was interrupted`, error);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};
