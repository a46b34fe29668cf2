import * as z from 'zod/mini';
import { Provider } from './provider';
import type { ChannelRecordV1, DatabaseSettingsV1, MetaAppRecordV1 } from './tenant-records';

/** Requests the credentials broker answers (Lambda direct invoke; in-process in local mode). */
export const BrokerRequestV1 = z.discriminatedUnion('op', [
  z.object({ op: z.literal('resolveChannel'), provider: Provider, channelId: z.string().check(z.minLength(1)) }),
  z.object({ op: z.literal('listMetaApps') }),
  z.object({ op: z.literal('getTenantDatabase'), tenantId: z.string().check(z.minLength(1)) }),
  z.object({ op: z.literal('getChannelCredentials'), provider: Provider, channelId: z.string().check(z.minLength(1)) }),
  z.object({ op: z.literal('listTenants') }),
]);
export type BrokerRequestV1 = z.infer<typeof BrokerRequestV1>;

export const ChannelOwnerV1 = z.object({
  tenantId: z.string(),
  provider: Provider,
  channelId: z.string(),
  /** Meta only: the app whose secret must have signed webhooks for this number. */
  metaAppId: z.optional(z.string()),
  wabaId: z.optional(z.string()),
});
export type ChannelOwnerV1 = z.infer<typeof ChannelOwnerV1>;

/** A tenant as the outbound collector sees it: ids only, no credentials. */
export const TenantSummaryV1 = z.object({
  tenantId: z.string(),
  /** The channel used when an outbound row leaves channel_id NULL (the record's default, else its first channel). */
  defaultChannelId: z.string(),
  channels: z.array(z.object({ provider: Provider, channelId: z.string() })),
});
export type TenantSummaryV1 = z.infer<typeof TenantSummaryV1>;

export interface BrokerResults {
  resolveChannel: ChannelOwnerV1;
  listMetaApps: MetaAppRecordV1[];
  getTenantDatabase: DatabaseSettingsV1;
  getChannelCredentials: ChannelRecordV1;
  listTenants: TenantSummaryV1[];
}

export const BrokerErrorV1 = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type BrokerErrorV1 = z.infer<typeof BrokerErrorV1>;

/** Every broker answer: a result, or a typed error (never raw exception text). */
export const BrokerResponseV1 = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: BrokerErrorV1 }),
]);
export type BrokerResponseV1 = z.infer<typeof BrokerResponseV1>;
