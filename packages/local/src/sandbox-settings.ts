import { readFileSync, statSync } from 'node:fs';
import { GatewayConfigV1 } from '@wagw/contracts';
import type { SandboxTokens } from '@wagw/provider-sandbox/sandbox-context';

/**
 * The gateway config file as it is now: re-read when its mtime or size changes, so a channel
 * onboarded while local mode runs is known to the sandbox without a restart (the broker re-reads the
 * same file). While the file is being rewritten (unreadable, half written), the last good version holds.
 */
export const watchedGatewayConfig = (configPath: string, initial: GatewayConfigV1): (() => GatewayConfigV1) => {
  let config = initial;
  let seen = '';
  return () => {
    try {
      const info = statSync(configPath);
      const revision = `${info.mtimeMs}:${info.size}`;
      if (revision !== seen) {
        seen = revision;
        const parsed = GatewayConfigV1.safeParse(JSON.parse(readFileSync(configPath, 'utf8')));
        if (parsed.success) config = parsed.data;
      }
    } catch {
      // Keep the last good config.
    }
    return config;
  };
};

type CurrentConfig = () => GatewayConfigV1;

const channelsOf = (config: GatewayConfigV1) => config.tenants.flatMap((tenant) => tenant.channels);

/** The tokens the sandbox accepts: the config's Meta access tokens and Whapi API tokens. */
export const sandboxTokensFrom = (current: CurrentConfig): SandboxTokens => ({
  get meta() {
    return channelsOf(current()).flatMap((channel) => (channel.provider === 'meta' ? [channel.accessToken] : []));
  },
  get whapi() {
    return channelsOf(current()).flatMap((channel) => (channel.provider === 'whapi' ? [channel.apiToken] : []));
  },
});

/** Whapi's API knows the channel from the token alone: token → channel id, for the sandbox's records. */
export const whapiChannelsFrom =
  (current: CurrentConfig) =>
  (): Record<string, string> =>
    Object.fromEntries(channelsOf(current()).flatMap((channel) => (channel.provider === 'whapi' ? [[channel.apiToken, channel.channelId]] : [])));

export interface StatusWebhookSecrets {
  /** The app secret that signs a Meta number's webhooks (its channel's Meta app). */
  metaAppSecretFor(channelId: string): string | undefined;
  /** The X-Gateway-Secret a Whapi channel's webhooks carry. */
  whapiWebhookSecretFor(channelId: string): string | undefined;
  /** The WABA a Meta number belongs to, for the webhook's `entry[].id`. */
  metaBusinessNumberFor(channelId: string): { wabaId: string } | undefined;
}

/** How the sandbox signs (and addresses) the status webhooks it posts back, as the real providers would for this config. */
export const statusWebhookSecretsFrom = (current: CurrentConfig): StatusWebhookSecrets => ({
  metaAppSecretFor: (channelId) => {
    const config = current();
    const channel = channelsOf(config).find((candidate) => candidate.provider === 'meta' && candidate.channelId === channelId);
    if (channel?.provider !== 'meta') return undefined;
    return config.metaApps.find((app) => app.appId === channel.metaAppId)?.appSecret;
  },
  whapiWebhookSecretFor: (channelId) => {
    const channel = channelsOf(current()).find((candidate) => candidate.provider === 'whapi' && candidate.channelId === channelId);
    return channel?.provider === 'whapi' ? channel.webhookSecret : undefined;
  },
  metaBusinessNumberFor: (channelId) => {
    const channel = channelsOf(current()).find((candidate) => candidate.provider === 'meta' && candidate.channelId === channelId);
    return channel?.provider === 'meta' ? { wabaId: channel.wabaId } : undefined;
  },
});
