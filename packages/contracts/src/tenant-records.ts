import * as z from 'zod/mini';

/**
 * Records the credentials broker serves. In AWS each record is one Secrets Manager secret
 * (`{prefix}/meta-apps/{appId}`, `{prefix}/tenants/{tenantId}`); in local mode they all sit in
 * one JSON file (GatewayConfigV1, path in GATEWAY_CONFIG).
 */

export const MetaAppRecordV1 = z.object({
  appId: z.string().check(z.minLength(1)),
  /** HMAC key of X-Hub-Signature-256. */
  appSecret: z.string().check(z.minLength(1)),
  /** Echoed back in the GET hub.challenge handshake. */
  verifyToken: z.string().check(z.minLength(1)),
});
export type MetaAppRecordV1 = z.infer<typeof MetaAppRecordV1>;

export const DatabaseSettingsV1 = z.discriminatedUnion('engine', [
  /** Embedded PostgreSQL; a directory on disk, or `memory://` for tests. */
  z.object({ engine: z.literal('pglite'), dataDir: z.string().check(z.minLength(1)) }),
  z.object({ engine: z.literal('postgres'), url: z.string().check(z.minLength(1)), poolMax: z.optional(z.int().check(z.positive())) }),
  /** `mssql://user:pass@host:1433/db?encrypt=true` or an ADO-style connection string. */
  z.object({ engine: z.literal('mssql'), url: z.string().check(z.minLength(1)), poolMax: z.optional(z.int().check(z.positive())) }),
]);
export type DatabaseSettingsV1 = z.infer<typeof DatabaseSettingsV1>;

export const MetaChannelV1 = z.object({
  provider: z.literal('meta'),
  /** Meta phone_number_id: the channel id for Meta. */
  channelId: z.string().check(z.minLength(1)),
  wabaId: z.string().check(z.minLength(1)),
  /** The Meta app whose secret signs this number's webhooks. */
  metaAppId: z.string().check(z.minLength(1)),
  accessToken: z.string().check(z.minLength(1)),
  graphBaseUrl: z._default(z.url(), 'https://graph.facebook.com'),
  graphVersion: z._default(z.string().check(z.regex(/^v\d+\.\d+$/)), 'v24.0'),
});
export type MetaChannelV1 = z.infer<typeof MetaChannelV1>;

export const WhapiChannelV1 = z.object({
  provider: z.literal('whapi'),
  /** Whapi channel id, as sent in `channel_id` and in the webhook path. */
  channelId: z.string().check(z.minLength(1)),
  apiToken: z.string().check(z.minLength(1)),
  /** Sent back by Whapi in the X-Gateway-Secret header (configured with PATCH /settings). */
  webhookSecret: z.string().check(z.minLength(1)),
  baseUrl: z._default(z.url(), 'https://gate.whapi.cloud'),
});
export type WhapiChannelV1 = z.infer<typeof WhapiChannelV1>;

export const ChannelRecordV1 = z.discriminatedUnion('provider', [MetaChannelV1, WhapiChannelV1]);
export type ChannelRecordV1 = z.infer<typeof ChannelRecordV1>;

export const TenantRecordV1 = z.object({
  tenantId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')),
  database: DatabaseSettingsV1,
  channels: z.array(ChannelRecordV1).check(z.minLength(1)),
  /** channelId used when an outbound row leaves channel_id NULL; defaults to the first channel. */
  defaultChannelId: z.optional(z.string()),
});
export type TenantRecordV1 = z.infer<typeof TenantRecordV1>;

/** The local-mode configuration file (GATEWAY_CONFIG). */
export const GatewayConfigV1 = z.object({
  metaApps: z._default(z.array(MetaAppRecordV1), []),
  tenants: z._default(z.array(TenantRecordV1), []),
});
export type GatewayConfigV1 = z.infer<typeof GatewayConfigV1>;
