import type {
  BrokerErrorV1,
  BrokerRequestV1,
  ChannelOwnerV1 as ChannelOwner,
  ChannelRecordV1 as ChannelRecord,
  DatabaseSettingsV1 as DatabaseSettings,
  MetaAppRecordV1 as MetaAppRecord,
  Provider,
  TenantSummaryV1 as TenantSummary,
} from '@wagw/contracts';
import { ChannelOwnerV1, ChannelRecordV1, DatabaseSettingsV1, MetaAppRecordV1, TenantSummaryV1 } from '@wagw/contracts';
import { CredentialsUnavailableError, isGatewayError } from '@wagw/core/errors';
import type { Clock, CredentialsClient } from '@wagw/core/ports';
import { systemClock } from '@wagw/core/ports';
import * as z from 'zod/mini';
import { brokerErrorToGatewayError } from './broker-error';
import type { BrokerTransport } from './broker-transport';

export interface CachedCredentialsClientOptions {
  /** How long an answer is reused. Default 120 s. */
  ttlMs?: number;
  /** How long a permanent error answer (e.g. CHANNEL_NOT_FOUND) is reused; short so onboarding shows quickly. Default 10 s. */
  negativeTtlMs?: number;
  /** At most this many answers are kept (callers choose the channel ids asked about). Default 1 000. */
  maxEntries?: number;
  clock?: Clock;
}

export const DEFAULT_TTL_MS = 120_000;
export const DEFAULT_NEGATIVE_TTL_MS = 10_000;
export const DEFAULT_MAX_ENTRIES = 1_000;

type Outcome = { ok: true; value: unknown } | { ok: false; error: BrokerErrorV1 };

interface Entry {
  outcome: Outcome;
  expiresAt: number;
}

const cacheKey = (request: BrokerRequestV1): string => {
  switch (request.op) {
    case 'listMetaApps':
    case 'listTenants':
      return request.op;
    case 'getTenantDatabase':
      return `${request.op}\u0000${request.tenantId}`;
    case 'resolveChannel':
    case 'getChannelCredentials':
      return `${request.op}\u0000${request.provider}\u0000${request.channelId}`;
  }
};

const channelKeys = (provider: Provider, channelId: string): string[] =>
  (['resolveChannel', 'getChannelCredentials'] as const).map((op) => cacheKey({ op, provider, channelId }));

const MetaAppList = z.array(MetaAppRecordV1);
const TenantList = z.array(TenantSummaryV1);

/**
 * The CredentialsClient every service uses: answers from the broker, cached for `ttlMs`. Concurrent
 * asks for the same thing share one broker call. Permanent error answers are cached only for
 * `negativeTtlMs`; failures to reach the broker and retryable errors are never cached. Answers are
 * checked against the contract schemas and against the channel that was asked for.
 */
export class CachedCredentialsClient implements CredentialsClient {
  private readonly entries = new Map<string, Entry>();
  /**
   * Broker calls under way, by cache key. A call caches its answer only while it is still the one
   * listed here: invalidate() removes it, so an answer asked for before an invalidation is not kept.
   */
  private readonly inFlight = new Map<string, Promise<Outcome>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;
  constructor(
    private readonly transport: BrokerTransport,
    options: CachedCredentialsClientOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.negativeTtlMs = options.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.clock = options.clock ?? systemClock;
  }

  async resolveChannel(provider: Provider, channelId: string): Promise<ChannelOwner> {
    const owner = await this.ask({ op: 'resolveChannel', provider, channelId }, ChannelOwnerV1);
    this.expectChannel(owner, provider, channelId);
    return owner;
  }

  listMetaApps(): Promise<MetaAppRecord[]> {
    return this.ask({ op: 'listMetaApps' }, MetaAppList);
  }

  listTenants(): Promise<TenantSummary[]> {
    return this.ask({ op: 'listTenants' }, TenantList);
  }

  getTenantDatabase(tenantId: string): Promise<DatabaseSettings> {
    return this.ask({ op: 'getTenantDatabase', tenantId }, DatabaseSettingsV1);
  }

  async getChannelCredentials(provider: Provider, channelId: string): Promise<ChannelRecord> {
    const channel = await this.ask({ op: 'getChannelCredentials', provider, channelId }, ChannelRecordV1);
    this.expectChannel(channel, provider, channelId);
    return channel;
  }

  invalidate(): void;
  invalidate(provider: Provider, channelId: string): void;
  invalidate(provider?: Provider, channelId?: string): void {
    if (provider === undefined || channelId === undefined) {
      this.entries.clear();
      this.inFlight.clear();
      return;
    }
    for (const key of channelKeys(provider, channelId)) {
      this.entries.delete(key);
      this.inFlight.delete(key);
    }
  }

  private async ask<Schema extends z.ZodMiniType>(request: BrokerRequestV1, schema: Schema): Promise<z.output<Schema>> {
    const outcome = await this.outcome(request);
    if (!outcome.ok) throw brokerErrorToGatewayError(outcome.error, request);
    const parsed = schema.safeParse(outcome.value);
    if (!parsed.success) {
      this.entries.delete(cacheKey(request));
      throw new CredentialsUnavailableError(`the credentials broker's answer to ${request.op} does not match the contract`);
    }
    return parsed.data;
  }

  private outcome(request: BrokerRequestV1): Promise<Outcome> {
    const key = cacheKey(request);
    const entry = this.entries.get(key);
    if (entry !== undefined && this.clock.now().getTime() < entry.expiresAt) return Promise.resolve(entry.outcome);
    this.entries.delete(key);

    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const listed: { call?: Promise<Outcome> } = {};
    const call = this.call(key, request, () => this.inFlight.get(key) === listed.call).finally(() => {
      if (this.inFlight.get(key) === call) this.inFlight.delete(key);
    });
    listed.call = call;
    this.inFlight.set(key, call);
    return call;
  }

  /** `stillListed` says whether no invalidate() dropped this call while it ran (only then is its answer cached). */
  private async call(key: string, request: BrokerRequestV1, stillListed: () => boolean): Promise<Outcome> {
    let outcome: Outcome;
    try {
      const response = await this.transport.invoke(request);
      outcome = response.ok ? { ok: true, value: response.result } : { ok: false, error: response.error };
    } catch (error) {
      throw isGatewayError(error) ? error : new CredentialsUnavailableError('the credentials broker could not be asked', error);
    }
    const ttl = outcome.ok ? this.ttlMs : outcome.error.retryable ? 0 : this.negativeTtlMs;
    if (ttl > 0 && stillListed()) this.remember(key, { outcome, expiresAt: this.clock.now().getTime() + ttl });
    return outcome;
  }

  /** Keeps at most maxEntries answers: when full, expired answers go first, then the oldest. */
  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const now = this.clock.now().getTime();
      for (const [cached, { expiresAt }] of this.entries) if (expiresAt <= now) this.entries.delete(cached);
      // A Map iterates in insertion order, and every answer is (re)inserted when it is cached.
      for (const oldest of this.entries.keys()) {
        if (this.entries.size < this.maxEntries) break;
        this.entries.delete(oldest);
      }
    }
    this.entries.set(key, entry);
  }

  private expectChannel(answer: { provider: string; channelId: string }, provider: Provider, channelId: string): void {
    if (answer.provider !== provider || answer.channelId !== channelId) {
      this.entries.clear();
      throw new CredentialsUnavailableError(`the credentials broker answered for another channel than ${provider} ${channelId}`);
    }
  }
}
