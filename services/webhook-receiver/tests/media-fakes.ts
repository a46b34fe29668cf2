import { Readable } from 'node:stream';
import type { ChannelRecordV1, MediaJobV1, MediaResultEventV1, Provider, QueueRole } from '@wagw/contracts';
import { MediaResultEventV1 as MediaResultEventSchema } from '@wagw/contracts';
import { ChannelNotFoundError } from '@wagw/core/errors';
import type { BlobPutOptions, BlobStore, CredentialsClient, EventPublisher, QueueMessage } from '@wagw/core/ports';
import { createLogger } from '@wagw/runtime/logger';
import type { Logger } from '@wagw/runtime/logger';

/** A bucket in memory that reads streams to the end, the way an S3 upload does. */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string }>();

  async put(key: string, body: Uint8Array | string | Readable, options: BlobPutOptions): Promise<void> {
    let bytes: Uint8Array;
    if (body instanceof Readable) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      bytes = Buffer.concat(chunks);
    } else {
      bytes = typeof body === 'string' ? Buffer.from(body) : body;
    }
    this.objects.set(key, { bytes, contentType: options.contentType });
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.objects.get(key)?.bytes);
  }

  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.objects.keys()].filter((key) => key.startsWith(prefix)));
  }

  delete(key: string): Promise<void> {
    this.objects.delete(key);
    return Promise.resolve();
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: { queue: QueueRole; message: QueueMessage }[] = [];

  publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    for (const message of messages) this.published.push({ queue, message });
    return Promise.resolve();
  }

  results(): MediaResultEventV1[] {
    return this.published.map(({ message }) => MediaResultEventSchema.parse(JSON.parse(message.body)));
  }
}

/**
 * Serves channel records; a `stale` record is answered until `invalidate()` drops it,
 * like a cache holding a token the provider has since revoked.
 */
export class FakeCredentials implements CredentialsClient {
  private stale: Map<string, ChannelRecordV1>;

  constructor(
    private readonly fresh: readonly ChannelRecordV1[],
    stale: readonly ChannelRecordV1[] = [],
  ) {
    this.stale = new Map(stale.map((channel) => [`${channel.provider}:${channel.channelId}`, channel]));
  }

  getChannelCredentials(provider: Provider, channelId: string): Promise<ChannelRecordV1> {
    const cached = this.stale.get(`${provider}:${channelId}`);
    if (cached !== undefined) return Promise.resolve(cached);
    const channel = this.fresh.find((record) => record.provider === provider && record.channelId === channelId);
    return channel === undefined ? Promise.reject(new ChannelNotFoundError(provider, channelId)) : Promise.resolve(channel);
  }

  /** Which channel each invalidate() named (`provider:channelId`, or `*` for everything). */
  readonly invalidated: string[] = [];

  get invalidations(): number {
    return this.invalidated.length;
  }

  invalidate(provider?: Provider, channelId?: string): void {
    if (provider === undefined || channelId === undefined) {
      this.invalidated.push('*');
      this.stale = new Map();
      return;
    }
    this.invalidated.push(`${provider}:${channelId}`);
    this.stale.delete(`${provider}:${channelId}`);
  }

  resolveChannel(): never {
    throw new Error('not used by the media function');
  }

  listMetaApps(): never {
    throw new Error('not used by the media function');
  }

  getTenantDatabase(): never {
    throw new Error('not used by the media function');
  }

  listTenants(): never {
    throw new Error('not used by the media function');
  }
}

export const fixedClock = { now: () => new Date('2025-10-09T10:00:00.000Z') };

export const metaChannel = (overrides: Partial<Extract<ChannelRecordV1, { provider: 'meta' }>> = {}): ChannelRecordV1 => ({
  provider: 'meta',
  channelId: '100000000000001',
  wabaId: '200000000000001',
  metaAppId: 'app-1',
  accessToken: 'EAAG-meta-token-never-logged',
  graphBaseUrl: 'https://graph.facebook.com',
  graphVersion: 'v24.0',
  ...overrides,
});

export const whapiChannel = (overrides: Partial<Extract<ChannelRecordV1, { provider: 'whapi' }>> = {}): ChannelRecordV1 => ({
  provider: 'whapi',
  channelId: 'TESTCH-ABCDE',
  apiToken: 'whapi-token-never-logged',
  webhookSecret: 'whapi-webhook-secret',
  baseUrl: 'https://gate.whapi.cloud',
  ...overrides,
});

export const mediaJob = (overrides: Partial<MediaJobV1> = {}): MediaJobV1 => ({
  schema: 'media-job.v1',
  tenantId: 'acme',
  provider: 'meta',
  channelId: '100000000000001',
  providerMessageId: 'wamid.TEST-IN-IMAGE-0001',
  contactId: '15550001111',
  mediaId: '500000000000001',
  mimeType: 'image/jpeg',
  kind: 'image',
  ...overrides,
});

/** A real pino logger (with the runtime's redaction) whose lines are kept for assertions. */
export const capturingLogger = (): { logger: Logger; lines: string[] } => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
};
