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
 * Every appId whose secret produced `X-Hub-Signature-256: sha256=<hex>` over the raw body bytes, in
 * the order given; empty when none does (header missing, prefix absent, not 64 hex digits, or no
 * secret matches). Apps may share a secret, so the caller decides which of them the webhook is for.
 * Each secret is compared in constant time and every one is checked. The body must be the bytes
 * exactly as received: Meta escapes non-ASCII as \uXXXX, so a re-serialized body never verifies.
 */
export const verifyMetaSignature = (rawBody: Uint8Array, header: string | undefined, apps: readonly MetaAppSecret[]): string[] => {
  if (header === undefined || !header.startsWith(PREFIX)) return [];
  const hex = header.slice(PREFIX.length);
  if (!HEX_SHA256.test(hex)) return [];
  const presented = Buffer.from(hex, 'hex');
  return apps.filter((app) => {
    const expected = hmacSha256(app.appSecret, rawBody);
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  }).map((app) => app.appId);
};

/** The header value Meta would send for this body (tests, local-mode tools, the sandbox). */
export const metaSignatureHeader = (rawBody: Uint8Array | string, appSecret: string): string =>
  `${PREFIX}${hmacSha256(appSecret, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).toString('hex')}`;
