import type { ChannelOwnerV1, ChannelRecordV1, DatabaseSettingsV1, MetaAppRecordV1, Provider, TenantSummaryV1 } from '@wagw/contracts';
import { MetaAppRecordV1 as MetaAppRecordSchema, TenantRecordV1 as TenantRecordSchema } from '@wagw/contracts';
import type { TenantRecordV1 } from '@wagw/contracts';
import { ChannelNotFoundError, SecretRecordInvalidError, TenantNotFoundError } from '@wagw/core/errors';
import type * as z from 'zod/mini';
import type { RawSecretRecord } from './secret-store';

/** Why one record (or one channel) cannot be served; never contains a secret value. */
export interface RecordProblem {
  recordName: string;
  problem: string;
}

interface OwnedChannel {
  tenant: TenantRecordV1;
  channel: ChannelRecordV1;
}

const channelKey = (provider: string, channelId: string): string => `${provider}\u0000${channelId}`;

const MAX_ISSUES = 5;

/** zod issues as `path: message`; zod messages name what was expected, not the value received. */
export const describeIssues = (error: z.core.$ZodError): string => {
  const parts = error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.length === 0 ? '(record)' : issue.path.map(String).join('.')}: ${issue.message}`);
  if (error.issues.length > MAX_ISSUES) parts.push(`and ${error.issues.length - MAX_ISSUES} more`);
  return parts.join('; ');
};

/** Best-effort channel keys of a record that failed validation, so its channels answer "invalid", not "unknown". */
const claimedChannels = (value: unknown): { provider: string; channelId: string }[] => {
  const channels = (value as { channels?: unknown } | null)?.channels;
  if (!Array.isArray(channels)) return [];
  return channels.flatMap((channel: unknown) => {
    const { provider, channelId } = (channel ?? {}) as { provider?: unknown; channelId?: unknown };
    return typeof provider === 'string' && typeof channelId === 'string' ? [{ provider, channelId }] : [];
  });
};

const claimedTenantId = (record: RawSecretRecord): string | undefined => {
  if (record.expectedId !== undefined) return record.expectedId;
  const tenantId = (record.value as { tenantId?: unknown } | null)?.tenantId;
  return typeof tenantId === 'string' ? tenantId : undefined;
};

const claimedAppId = (record: RawSecretRecord): string | undefined => {
  if (record.expectedId !== undefined) return record.expectedId;
  const appId = (record.value as { appId?: unknown } | null)?.appId;
  return typeof appId === 'string' ? appId : undefined;
};

/**
 * A validated, indexed view of every record a store returned. One bad record makes only what it
 * owns unanswerable (its tenant, its channels, its app), so one tenant's typo never blocks another.
 */
export class SecretDirectory {
  private readonly apps = new Map<string, MetaAppRecordV1>();
  private readonly tenants = new Map<string, TenantRecordV1>();
  private readonly channels = new Map<string, OwnedChannel>();
  private readonly invalidTenants = new Map<string, RecordProblem>();
  private readonly invalidChannels = new Map<string, RecordProblem>();
  private readonly problemList: RecordProblem[] = [];

  constructor(records: readonly RawSecretRecord[]) {
    const appRecords = records.filter((record) => record.kind === 'meta-app');
    const tenantRecords = records.filter((record) => record.kind === 'tenant');
    this.indexApps(appRecords);
    this.indexTenants(tenantRecords);
  }

  /** Every record or channel that cannot be served, for the broker to log. */
  get problems(): readonly RecordProblem[] {
    return this.problemList;
  }

  resolveChannel(provider: Provider, channelId: string): ChannelOwnerV1 {
    const { tenant, channel } = this.ownedChannel(provider, channelId);
    return {
      tenantId: tenant.tenantId,
      provider: channel.provider,
      channelId: channel.channelId,
      ...(channel.provider === 'meta' ? { metaAppId: channel.metaAppId, wabaId: channel.wabaId } : {}),
    };
  }

  /** Every valid Meta app; an invalid one is left out (and reported in `problems`). */
  listMetaApps(): MetaAppRecordV1[] {
    return [...this.apps.values()];
  }

  /**
   * Every valid tenant, ids only (no credentials, no database settings), ordered by tenant id. An
   * invalid tenant record is left out (and reported in `problems`): its database cannot be served
   * either. Channels are those the record lists, as the record lists them.
   */
  listTenants(): TenantSummaryV1[] {
    return [...this.tenants.values()]
      .map((tenant) => ({
        tenantId: tenant.tenantId,
        // The schema requires at least one channel, and a defaultChannelId outside them is rejected on load.
        defaultChannelId: tenant.defaultChannelId ?? tenant.channels[0]?.channelId ?? '',
        channels: tenant.channels.map(({ provider, channelId }) => ({ provider, channelId })),
      }))
      .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  }

  getTenantDatabase(tenantId: string): DatabaseSettingsV1 {
    const invalid = this.invalidTenants.get(tenantId);
    if (invalid !== undefined) throw new SecretRecordInvalidError(invalid.recordName, invalid.problem);
    const tenant = this.tenants.get(tenantId);
    if (tenant === undefined) throw new TenantNotFoundError(tenantId);
    return tenant.database;
  }

  getChannelCredentials(provider: Provider, channelId: string): ChannelRecordV1 {
    return this.ownedChannel(provider, channelId).channel;
  }

  private ownedChannel(provider: Provider, channelId: string): OwnedChannel {
    const key = channelKey(provider, channelId);
    const invalid = this.invalidChannels.get(key);
    if (invalid !== undefined) throw new SecretRecordInvalidError(invalid.recordName, invalid.problem);
    const owned = this.channels.get(key);
    if (owned === undefined) throw new ChannelNotFoundError(provider, channelId);
    return owned;
  }

  private report(problem: RecordProblem): RecordProblem {
    this.problemList.push(problem);
    return problem;
  }

  private indexApps(records: RawSecretRecord[]): void {
    const byId = new Map<string, { record: RawSecretRecord; app?: MetaAppRecordV1 }[]>();
    for (const record of records) {
      const parsed = this.parse(record, MetaAppRecordSchema, (value) => value.appId);
      const app = parsed.ok ? parsed.value : undefined;
      const appId = app?.appId ?? claimedAppId(record);
      if (appId === undefined) continue;
      byId.set(appId, [...(byId.get(appId) ?? []), { record, ...(app === undefined ? {} : { app }) }]);
    }
    for (const [appId, claims] of byId) {
      if (claims.length > 1) {
        this.report({
          recordName: claims.map((claim) => claim.record.name).join(', '),
          problem: `Meta app ${appId} is defined more than once`,
        });
        continue;
      }
      const app = claims[0]?.app;
      if (app !== undefined) this.apps.set(appId, app);
    }
    this.reportSharedSecrets(new Map([...byId].map(([appId, claims]) => [appId, claims[0]?.record.name ?? appId])));
  }

  /**
   * Apps that share one secret cannot be told apart by a webhook signature. Both stay served (the
   * receiver accepts a number of either app), but the operator is told: usually a copy-paste slip.
   */
  private reportSharedSecrets(recordNameOf: ReadonlyMap<string, string>): void {
    const appIdsBySecret = new Map<string, string[]>();
    for (const app of this.apps.values()) appIdsBySecret.set(app.appSecret, [...(appIdsBySecret.get(app.appSecret) ?? []), app.appId]);
    for (const appIds of appIdsBySecret.values()) {
      if (appIds.length < 2) continue;
      this.report({
        recordName: appIds.map((appId) => recordNameOf.get(appId) ?? appId).join(', '),
        problem: `Meta apps ${appIds.join(', ')} share one app secret, so a webhook signature cannot tell which of them sent it`,
      });
    }
  }

  private indexTenants(records: RawSecretRecord[]): void {
    const byId = new Map<string, { record: RawSecretRecord; tenant?: TenantRecordV1 }[]>();
    for (const record of records) {
      const parsed = this.parse(record, TenantRecordSchema, (value) => value.tenantId, (value) => this.tenantConsistency(value));
      const tenant = parsed.ok ? parsed.value : undefined;
      const tenantId = tenant?.tenantId ?? claimedTenantId(record);
      if (!parsed.ok) {
        const { problem } = parsed;
        if (tenantId !== undefined) this.invalidTenants.set(tenantId, problem);
        for (const { provider, channelId } of claimedChannels(record.value)) {
          this.invalidChannels.set(channelKey(provider, channelId), problem);
        }
      }
      if (tenantId === undefined) continue;
      byId.set(tenantId, [...(byId.get(tenantId) ?? []), { record, ...(tenant === undefined ? {} : { tenant }) }]);
    }

    const claims = new Map<string, OwnedChannel[]>();
    for (const [tenantId, entries] of byId) {
      if (entries.length > 1) {
        const problem = this.report({
          recordName: entries.map((entry) => entry.record.name).join(', '),
          problem: `tenant ${tenantId} is defined more than once`,
        });
        this.invalidTenants.set(tenantId, problem);
        for (const entry of entries) {
          for (const { provider, channelId } of claimedChannels(entry.record.value)) {
            this.invalidChannels.set(channelKey(provider, channelId), problem);
          }
        }
        continue;
      }
      const tenant = entries[0]?.tenant;
      if (tenant === undefined) continue;
      this.tenants.set(tenantId, tenant);
      for (const channel of tenant.channels) {
        const key = channelKey(channel.provider, channel.channelId);
        claims.set(key, [...(claims.get(key) ?? []), { tenant, channel }]);
      }
    }

    const recordNameOf = new Map([...byId].map(([tenantId, entries]) => [tenantId, entries[0]?.record.name ?? tenantId]));
    for (const [key, owners] of claims) {
      if (this.invalidChannels.has(key)) continue;
      const [first] = owners;
      if (first === undefined) continue;
      if (owners.length > 1) {
        const tenantIds = [...new Set(owners.map((owner) => owner.tenant.tenantId))];
        this.invalidChannels.set(
          key,
          this.report({
            recordName: tenantIds.map((tenantId) => recordNameOf.get(tenantId) ?? tenantId).join(', '),
            problem: `${first.channel.provider} channel ${first.channel.channelId} is listed ${owners.length} times (by ${tenantIds.join(', ')}); a channel belongs to exactly one tenant`,
          }),
        );
        continue;
      }
      this.channels.set(key, first);
    }
  }

  private tenantConsistency(tenant: TenantRecordV1): string | undefined {
    if (tenant.defaultChannelId === undefined) return undefined;
    return tenant.channels.some((channel) => channel.channelId === tenant.defaultChannelId)
      ? undefined
      : `defaultChannelId ${tenant.defaultChannelId} is not one of its channels`;
  }

  private parse<Schema extends z.ZodMiniType>(
    record: RawSecretRecord,
    schema: Schema,
    idOf: (value: z.output<Schema>) => string,
    consistency: (value: z.output<Schema>) => string | undefined = () => undefined,
  ): { ok: true; value: z.output<Schema> } | { ok: false; problem: RecordProblem } {
    const invalid = (problem: string) => ({ ok: false as const, problem: this.report({ recordName: record.name, problem }) });
    if (record.problem !== undefined) return invalid(record.problem);
    const result = schema.safeParse(record.value);
    if (!result.success) return invalid(describeIssues(result.error));
    const id = idOf(result.data);
    if (record.expectedId !== undefined && id !== record.expectedId) {
      return invalid(`its id ${id} does not match the record name (${record.expectedId})`);
    }
    const inconsistency = consistency(result.data);
    if (inconsistency !== undefined) return invalid(inconsistency);
    return { ok: true, value: result.data };
  }
}
