import { createHmac } from 'node:crypto';
import type { GatewayConfigV1 } from '@wagw/contracts';

export type SampleProvider = 'meta' | 'whapi';

export interface SampleRequest {
  provider: SampleProvider;
  /** Path on the gateway: `/webhooks/meta` or `/webhooks/whapi/{channelId}`. */
  path: string;
  headers: Record<string, string>;
  /** The exact bytes to POST (and, for Meta, the bytes that were signed). */
  body: Buffer;
  /** The channel the webhook is for (phone_number_id / channel_id), after any re-targeting. */
  channelIds: string[];
}

export interface PrepareSampleOptions {
  /** Replace every phone_number_id (Meta) or the channel_id (Whapi) with this one. */
  toChannel?: string;
  /** Meta: HMAC key. Default: the secret of the app that owns the channel in the config. */
  appSecret?: string;
  /** Whapi: X-Gateway-Secret value. Default: the channel's webhookSecret in the config. */
  webhookSecret?: string;
  /** Appends this to every message id, so a fixture can be posted again as new messages. */
  messageIdSuffix?: string;
  config?: GatewayConfigV1;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const detectProvider = (payload: unknown): SampleProvider => {
  if (isObject(payload) && payload.object === 'whatsapp_business_account') return 'meta';
  if (isObject(payload) && typeof payload.channel_id === 'string') return 'whapi';
  throw new Error('the sample is neither a Meta webhook (object: whatsapp_business_account) nor a Whapi webhook (channel_id)');
};

export const metaSignature = (body: Uint8Array, appSecret: string): string =>
  `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;

const metaValues = (payload: Json): Json[] =>
  (Array.isArray(payload.entry) ? payload.entry : []).flatMap((entry: unknown) =>
    isObject(entry) && Array.isArray(entry.changes)
      ? entry.changes.flatMap((change: unknown) => (isObject(change) && isObject(change.value) ? [change.value] : []))
      : [],
  );

const metaChannelIds = (payload: Json): string[] => [
  ...new Set(
    metaValues(payload).flatMap((value) =>
      isObject(value.metadata) && typeof value.metadata.phone_number_id === 'string' ? [value.metadata.phone_number_id] : [],
    ),
  ),
];

const suffixIds = (items: unknown, suffix: string): void => {
  if (!Array.isArray(items)) return;
  for (const item of items) if (isObject(item) && typeof item.id === 'string') item.id = `${item.id}${suffix}`;
};

const rewriteMeta = (payload: Json, options: PrepareSampleOptions): void => {
  for (const value of metaValues(payload)) {
    if (options.toChannel !== undefined && isObject(value.metadata)) value.metadata.phone_number_id = options.toChannel;
    if (options.messageIdSuffix !== undefined) {
      suffixIds(value.messages, options.messageIdSuffix);
      suffixIds(value.statuses, options.messageIdSuffix);
    }
  }
};

const rewriteWhapi = (payload: Json, options: PrepareSampleOptions): void => {
  if (options.toChannel !== undefined) payload.channel_id = options.toChannel;
  if (options.messageIdSuffix !== undefined) {
    suffixIds(payload.messages, options.messageIdSuffix);
    suffixIds(payload.statuses, options.messageIdSuffix);
  }
};

const appSecretFor = (config: GatewayConfigV1 | undefined, channelIds: readonly string[]): string | undefined => {
  if (config === undefined) return undefined;
  const channel = config.tenants
    .flatMap((tenant) => tenant.channels)
    .find((candidate) => candidate.provider === 'meta' && channelIds.includes(candidate.channelId));
  const appId = channel?.provider === 'meta' ? channel.metaAppId : undefined;
  return (config.metaApps.find((app) => app.appId === appId) ?? config.metaApps[0])?.appSecret;
};

const webhookSecretFor = (config: GatewayConfigV1 | undefined, channelId: string): string | undefined => {
  const channel = config?.tenants.flatMap((tenant) => tenant.channels).find((candidate) => candidate.provider === 'whapi' && candidate.channelId === channelId);
  return channel?.provider === 'whapi' ? channel.webhookSecret : undefined;
};

/**
 * Turns a recorded provider payload into the request the provider would send. Unchanged samples are
 * posted byte for byte; a re-targeted one is re-serialised first and the new bytes are signed.
 */
export const prepareSampleWebhook = (raw: Buffer, options: PrepareSampleOptions = {}): SampleRequest => {
  const payload = JSON.parse(raw.toString('utf8')) as unknown;
  const provider = detectProvider(payload);
  const json = payload as Json;
  const rewrite = options.toChannel !== undefined || options.messageIdSuffix !== undefined;
  if (rewrite) (provider === 'meta' ? rewriteMeta : rewriteWhapi)(json, options);
  const body = rewrite ? Buffer.from(JSON.stringify(json), 'utf8') : raw;

  if (provider === 'meta') {
    const channelIds = metaChannelIds(json);
    const appSecret = options.appSecret ?? appSecretFor(options.config, channelIds);
    if (appSecret === undefined) throw new Error('no Meta app secret: pass --app-secret or a GATEWAY_CONFIG with metaApps');
    return {
      provider,
      path: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, appSecret) },
      body,
      channelIds,
    };
  }
  const channelId = String(json.channel_id);
  const webhookSecret = options.webhookSecret ?? webhookSecretFor(options.config, channelId);
  if (webhookSecret === undefined) throw new Error(`no webhook secret for Whapi channel ${channelId}: pass --webhook-secret or onboard the channel`);
  return {
    provider,
    path: `/webhooks/whapi/${encodeURIComponent(channelId)}`,
    headers: { 'content-type': 'application/json', 'x-gateway-secret': webhookSecret },
    body,
    channelIds: [channelId],
  };
};
