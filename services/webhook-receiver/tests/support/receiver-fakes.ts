import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import type { ChannelOwnerV1, ChannelRecordV1, DatabaseSettingsV1, MetaAppRecordV1, Provider, QueueRole } from '@wagw/contracts';
import { ChannelNotFoundError, CredentialsUnavailableError, TenantNotFoundError } from '@wagw/core/errors';
import type { BlobPutOptions, BlobStore, Clock, CredentialsClient, EventPublisher, QueueMessage } from '@wagw/core/ports';
import { createLogger } from '@wagw/runtime/logger';
import type { ReceiverContext } from '../../src/receiver-deps';

export class FakePublisher implements EventPublisher {
  readonly published: { queue: QueueRole; messages: QueueMessage[] }[] = [];
  failWith: Error | undefined;

  async publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    await Promise.resolve();
    if (this.failWith !== undefined) throw this.failWith;
    this.published.push({ queue, messages: [...messages] });
  }

  messagesOn(queue: QueueRole): QueueMessage[] {
    return this.published.filter((call) => call.queue === queue).flatMap((call) => call.messages);
  }

  bodiesOn(queue: QueueRole): Record<string, unknown>[] {
    return this.messagesOn(queue).map((message) => JSON.parse(message.body) as Record<string, unknown>);
  }
}

export class FakeBlobStore implements BlobStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();
  /** put() rejects for keys with this prefix. */
  failPutsUnder: string | undefined;

  async put(key: string, body: Uint8Array | string | Readable, options: BlobPutOptions): Promise<void> {
    await Promise.resolve();
    if (this.failPutsUnder !== undefined && key.startsWith(this.failPutsUnder)) throw new Error('S3 is down');
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new Error('the fake takes no streams');
    this.objects.set(key, { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body), contentType: options.contentType });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await Promise.resolve();
    return this.objects.get(key)?.body;
  }

  async list(prefix: string): Promise<string[]> {
    await Promise.resolve();
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    await Promise.resolve();
    this.objects.delete(key);
  }

  keysUnder(prefix: string): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  json(key: string): Record<string, unknown> {
    const object = this.objects.get(key);
    if (object === undefined) throw new Error(`no object ${key}`);
    return JSON.parse(Buffer.from(object.body).toString('utf8')) as Record<string, unknown>;
  }
}

export interface FakeTenantChannel {
  tenantId: string;
  record: ChannelRecordV1;
}

/** The broker's answers from an in-memory gateway configuration. */
export class FakeCredentials implements CredentialsClient {
  readonly calls: string[] = [];
  unavailable = false;

  constructor(
    private readonly metaApps: MetaAppRecordV1[],
    private readonly channels: FakeTenantChannel[],
  ) {}

  async resolveChannel(provider: Provider, channelId: string): Promise<ChannelOwnerV1> {
    const { tenantId, record } = await this.find('resolveChannel', provider, channelId);
    return record.provider === 'meta'
      ? { tenantId, provider, channelId, metaAppId: record.metaAppId, wabaId: record.wabaId }
      : { tenantId, provider, channelId };
  }

  async listMetaApps(): Promise<MetaAppRecordV1[]> {
    await this.answer('listMetaApps');
    return this.metaApps;
  }

  async getTenantDatabase(tenantId: string): Promise<DatabaseSettingsV1> {
    await this.answer(`getTenantDatabase ${tenantId}`);
    throw new TenantNotFoundError(tenantId);
  }

  async getChannelCredentials(provider: Provider, channelId: string): Promise<ChannelRecordV1> {
    return (await this.find('getChannelCredentials', provider, channelId)).record;
  }

  listTenants(): Promise<never> {
    return Promise.reject(new Error('not used by the receiver'));
  }

  invalidate(): void {}

  private async answer(call: string): Promise<void> {
    await Promise.resolve();
    this.calls.push(call);
    if (this.unavailable) throw new CredentialsUnavailableError('broker throttled');
  }

  private async find(op: string, provider: Provider, channelId: string): Promise<FakeTenantChannel> {
    await this.answer(`${op} ${provider} ${channelId}`);
    const found = this.channels.find((channel) => channel.record.provider === provider && channel.record.channelId === channelId);
    if (found === undefined) throw new ChannelNotFoundError(provider, channelId);
    return found;
  }
}

export const fixedClock = (iso = '2025-10-09T12:00:00.000Z'): Clock => ({ now: () => new Date(iso) });

/** Log lines as parsed objects, for asserting what was (and was not) logged. */
export const capturedLogger = () => {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  // pino writes synchronously to a plain Writable.
  const logger = createLogger({ level: 'debug', destination });
  return { logger, lines, raw };
};

export const META_APP: MetaAppRecordV1 = { appId: 'app-gateway', appSecret: 'gateway_app_secret_value', verifyToken: 'gateway-verify-token' };
export const OTHER_META_APP: MetaAppRecordV1 = { appId: 'app-tenant-own', appSecret: 'tenant_own_app_secret', verifyToken: 'tenant-verify-token' };

export const metaChannel = (tenantId: string, channelId: string, metaAppId = META_APP.appId): FakeTenantChannel => ({
  tenantId,
  record: {
    provider: 'meta',
    channelId,
    wabaId: `waba-${channelId}`,
    metaAppId,
    accessToken: `token-of-${tenantId}`,
    graphBaseUrl: 'https://graph.facebook.com',
    graphVersion: 'v24.0',
  },
});

export const whapiChannel = (tenantId: string, channelId: string, webhookSecret: string): FakeTenantChannel => ({
  tenantId,
  record: { provider: 'whapi', channelId, apiToken: `whapi-token-of-${tenantId}`, webhookSecret, baseUrl: 'https://gate.whapi.cloud' },
});

export interface ReceiverWorld {
  context: ReceiverContext;
  credentials: FakeCredentials;
  publisher: FakePublisher;
  blobs: FakeBlobStore;
  logs: Record<string, unknown>[];
  rawLogs: string[];
}

/** A receiver over fakes: tenant-a owns Meta number 100000000000001, tenant-b 100000000000002. */
export const receiverWorld = (
  options: { channels?: FakeTenantChannel[]; metaApps?: MetaAppRecordV1[]; maxBodyBytes?: number } = {},
): ReceiverWorld => {
  const credentials = new FakeCredentials(
    options.metaApps ?? [META_APP, OTHER_META_APP],
    options.channels ?? [
      metaChannel('tenant-a', '100000000000001'),
      metaChannel('tenant-b', '100000000000002'),
      metaChannel('tenant-c', '100000000000003', OTHER_META_APP.appId),
      whapiChannel('tenant-w', 'TESTCH-ABCDE', 'whapi-webhook-secret-1'),
    ],
  );
  const publisher = new FakePublisher();
  const blobs = new FakeBlobStore();
  const { logger, lines, raw } = capturedLogger();
  return {
    context: { credentials, publisher, blobs, clock: fixedClock(), logger, limits: { maxBodyBytes: options.maxBodyBytes ?? 3.5 * 1024 * 1024 } },
    credentials,
    publisher,
    blobs,
    logs: lines,
    rawLogs: raw,
  };
};
