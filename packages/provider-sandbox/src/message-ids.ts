import { randomBytes, randomInt } from 'node:crypto';

// The random part keeps ids unique across sandbox restarts (local mode keeps its databases, the
// sandbox's counter starts again); the counter keeps them readable and ordered within one run.

/** `wamid.SANDBOX-<n>-<random>`: opaque like Meta's wamids. */
export const sandboxWamid = (sequence: number): string => `wamid.SANDBOX-${sequence}-${randomBytes(6).toString('hex')}`;

/** A Whapi message id (theirs are opaque strings such as `PsqXn5SfMKJ5yJk-wFgABA`). */
export const sandboxWhapiMessageId = (sequence: number): string => `SANDBOX-${sequence}-${randomBytes(9).toString('base64url')}`;

/** A 15-digit numeric id like Meta's media ids. */
export const sandboxMetaMediaId = (): string => `7${String(randomInt(0, 1e7)).padStart(7, '0')}${String(randomInt(0, 1e7)).padStart(7, '0')}`;

/** Whapi names media `<ext>-<id>` (e.g. `pdf-…`). */
export const sandboxWhapiMediaId = (mimeType: string): string => {
  const subtype = (mimeType.split('/')[1] ?? 'bin').replace(/[^a-z0-9]/gi, '').slice(0, 8) || 'bin';
  return `${subtype}-SANDBOX${randomBytes(8).toString('hex').toUpperCase()}`;
};
