import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface StreamDigest {
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

/** A pass-through that hashes and counts what flows through it, so a file is never held in memory. */
export const createDigestStream = (): { stream: Transform; digest(): StreamDigest } => {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, digest: () => ({ size, sha256: hash.copy().digest('hex') }) };
};
