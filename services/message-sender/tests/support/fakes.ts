import { Writable } from 'node:stream';
import type { ChannelOwnerV1, ChannelRecordV1, Provider } from '@wagw/contracts';
import { ChannelNotFoundError } from '@wagw/core/errors';
import type {
  Clock,
  CredentialsClient,
  EventPublisher,
  MessagingProvider,
  OutboundMedia,
  ProviderCallResult,
  QueueMessage,
  SendOptions,
  StoredBlob,
} from '@wagw/core/ports';
import type { QueueRole } from '@wagw/contracts';
import { createLogger, type Logger } from '@wagw/runtime/logger';
import type { BoundedBlob, MediaReader } from '../../src/message-sender-dependencies';

/** The broker as the sender sees it: channel owners, and tokens that change each time the cache is dropped. */
export class FakeCredentials implements Pick<CredentialsClient, 'resolveChannel' | 'getChannelCredentials' | 'invalidate'> {
  readonly owners = new Map<string, string>();
  readonly channels = new Map<string, ChannelRecordV1>();
  /** Tokens handed out one after another: the first until invalidate(), then the next… */
  tokens: string[] = ['EAAG-first-token-0001'];
  invalidations = 0;
  /** What each invalidate() named: [] for "everything", [provider, channelId] for one channel. */
  readonly invalidated: string[][] = [];
  credentialFetches = 0;
  /** Thrown by every call while set. */
  failure: Error | undefined;

  own(tenantId: string, channel: ChannelRecordV1): this {
    this.owners.set(`${channel.provider}:${channel.channelId}`, tenantId);
    this.channels.set(`${channel.provider}:${channel.channelId}`, channel);
    return this;
  }

  async resolveChannel(provider: Provider, channelId: string): Promise<ChannelOwnerV1> {
    if (this.failure !== undefined) throw this.failure;
    const tenantId = this.owners.get(`${provider}:${channelId}`);
    if (tenantId === undefined) throw new ChannelNotFoundError(provider, channelId);
    return { tenantId, provider, channelId };
  }

  async getChannelCredentials(provider: Provider, channelId: string): Promise<ChannelRecordV1> {
    if (this.failure !== undefined) throw this.failure;
    this.credentialFetches += 1;
    const channel = this.channels.get(`${provider}:${channelId}`);
    if (channel === undefined) throw new ChannelNotFoundError(provider, channelId);
    const token = this.tokens[Math.min(this.invalidations, this.tokens.length - 1)] ?? 'none';
    return channel.provider === 'meta' ? { ...channel, accessToken: token } : { ...channel, apiToken: token };
  }

  invalidate(...channel: [] | [Provider, string]): void {
    this.invalidations += 1;
    this.invalidated.push([...channel]);
  }
}

export const tokenOf = (channel: ChannelRecordV1): string => (channel.provider === 'meta' ? channel.accessToken : channel.apiToken);

export interface SendCall {
  token: string;
  toId: string;
  message: Record<string, unknown>;
  options: SendOptions | undefined;
}

export interface UploadCall {
  token: string;
  media: OutboundMedia;
}

/** A MessagingProvider that answers from a script, in order, and records every call. */
export class ScriptedProvider implements MessagingProvider {
  readonly sends: SendCall[] = [];
  readonly uploads: UploadCall[] = [];
  sendAnswers: ProviderCallResult[] = [];
  uploadAnswers: ProviderCallResult[] = [];
  /** Runs during each send, before it answers (e.g. to move a clock). */
  duringSend: () => void = () => undefined;
  private nextMediaId = 1;

  async send(channel: ChannelRecordV1, toId: string, message: Record<string, unknown>, options?: SendOptions): Promise<ProviderCallResult> {
    this.sends.push({ token: tokenOf(channel), toId, message, options });
    this.duringSend();
    return this.sendAnswers.shift() ?? { outcome: 'accepted', providerMessageId: `wamid.SENT-${this.sends.length}` };
  }

  async uploadMedia(channel: ChannelRecordV1, media: OutboundMedia): Promise<ProviderCallResult> {
    this.uploads.push({ token: tokenOf(channel), media });
    return this.uploadAnswers.shift() ?? { outcome: 'accepted', providerMessageId: `media-${this.nextMediaId++}` };
  }
}

export class InMemoryBlobs implements MediaReader {
  readonly objects = new Map<string, StoredBlob>();
  readonly reads: string[] = [];

  add(key: string, bytes: Uint8Array, contentType?: string): this {
    this.objects.set(key, contentType === undefined ? { bytes } : { bytes, contentType });
    return this;
  }

  /** Keys whose size was asked but whose bytes were not read (too large). */
  readonly sizedOnly: string[] = [];

  async getWithMetadataWithin(key: string, maxBytes: number): Promise<BoundedBlob | undefined> {
    const blob = this.objects.get(key);
    if (blob === undefined) return undefined;
    if (blob.bytes.byteLength > maxBytes) {
      this.sizedOnly.push(key);
      return { outcome: 'too-large', size: blob.bytes.byteLength };
    }
    this.reads.push(key);
    return { outcome: 'read', blob };
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: { queue: QueueRole; message: QueueMessage }[] = [];
  /** Publishing fails while set. */
  failure: Error | undefined;

  async publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    for (const message of messages) this.published.push({ queue, message });
  }

  bodies(): Record<string, unknown>[] {
    return this.published.map(({ message }) => JSON.parse(message.body) as Record<string, unknown>);
  }
}

export class SettableClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const capturingLogger = (): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } => {
  const chunks: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      chunks.push(text);
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ destination, level: 'debug' }), lines, text: () => chunks.join('') };
};
