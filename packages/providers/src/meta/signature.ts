import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MetaAppSecret {
  appId: string;
  appSecret: string;
}

/** Header name as API Gateway delivers it (lowercase). */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

const PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

const hmacSha256 = (secret: string, body: Uint8Array): Buffer => createHmac('sha256', secret).update(body).digest();

/**
 * The appId whose secret produced `X-Hub-Signature-256: sha256=<hex>` over the raw body bytes, or
 * undefined (header missing, prefix absent, not 64 hex digits, or no secret matches). The body must be
 * the bytes exactly as received: Meta escapes non-ASCII as \uXXXX, so a re-serialized body never verifies.
 */
export const verifyMetaSignature = (
  rawBody: Uint8Array,
  header: string | undefined,
  apps: readonly MetaAppSecret[],
): string | undefined => {
  if (header === undefined || !header.startsWith(PREFIX)) return undefined;
  const hex = header.slice(PREFIX.length);
  if (!HEX_SHA256.test(hex)) return undefined;
  const presented = Buffer.from(hex, 'hex');
  for (const app of apps) {
    const expected = hmacSha256(app.appSecret, rawBody);
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) return app.appId;
  }
  return undefined;
};

/** The header value Meta would send for this body (tests, local-mode tools, the sandbox). */
export const metaSignatureHeader = (rawBody: Uint8Array | string, appSecret: string): string =>
  `${PREFIX}${hmacSha256(appSecret, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).toString('hex')}`;
