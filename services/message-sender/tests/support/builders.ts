import type { MetaChannelV1, OutboundMessageEventV1, WhapiChannelV1 } from '@wagw/contracts';
import { HeldResults } from '../../src/held-results';
import type { MessageSenderDependencies } from '../../src/message-sender-dependencies';
import { FakeCredentials, InMemoryBlobs, RecordingPublisher, ScriptedProvider, SettableClock } from './fakes';

export const NOW = '2025-10-09T09:00:00.000Z';
export const TENANT = 'tenant-a';
export const META_CHANNEL = '100000000000001';
export const WHAPI_CHANNEL = 'TESTCH-ABCDE';
export const USER = '15550001111';
export const SEND_TIMEOUT_MS = 10_000;
export const UPLOAD_TIMEOUT_MS = 30_000;
export const MAX_RECEIVES = 8;
/** Small limits, so tests need no megabytes: 64 bytes for an image, 1 KiB for anything else. */
export const TEST_MEDIA_MAX_BYTES: Record<string, number> = { image: 64 };
export const testMediaMaxBytes = (kind: string): number => TEST_MEDIA_MAX_BYTES[kind] ?? 1024;

export const metaChannel = (overrides: Partial<MetaChannelV1> = {}): MetaChannelV1 => ({
  provider: 'meta',
  channelId: META_CHANNEL,
  wabaId: 'waba-1',
  metaAppId: 'app-1',
  accessToken: 'EAAG-record-token',
  graphBaseUrl: 'https://graph.facebook.com',
  graphVersion: 'v24.0',
  ...overrides,
});

export const whapiChannel = (overrides: Partial<WhapiChannelV1> = {}): WhapiChannelV1 => ({
  provider: 'whapi',
  channelId: WHAPI_CHANNEL,
  apiToken: 'whapi-record-token',
  webhookSecret: 'whsec-record',
  baseUrl: 'https://gate.whapi.cloud',
  ...overrides,
});

/** An outbound-message.v1 event for a Meta text, with a lease of ten minutes from NOW. */
export const anOutboundEvent = (overrides: Partial<OutboundMessageEventV1> = {}): OutboundMessageEventV1 => ({
  schema: 'outbound-message.v1',
  tenantId: TENANT,
  rowId: '42',
  attempt: 1,
  provider: 'meta',
  channelId: META_CHANNEL,
  toId: USER,
  message: { type: 'text', text: { body: 'Your order #1234 has shipped' } },
  leaseExpiresAt: new Date(Date.parse(NOW) + 600_000).toISOString(),
  queuedAt: NOW,
  ...overrides,
});

export interface SenderWorld {
  deps: MessageSenderDependencies;
  credentials: FakeCredentials;
  meta: ScriptedProvider;
  whapi: ScriptedProvider;
  blobs: InMemoryBlobs;
  results: RecordingPublisher;
  clock: SettableClock;
}

/** The sender's ports as fakes: tenant-a owns a Meta and a Whapi channel. */
export const senderWorld = (): SenderWorld => {
  const credentials = new FakeCredentials().own(TENANT, metaChannel()).own(TENANT, whapiChannel());
  const meta = new ScriptedProvider();
  const whapi = new ScriptedProvider();
  const blobs = new InMemoryBlobs();
  const results = new RecordingPublisher();
  const clock = new SettableClock(new Date(NOW));
  return {
    deps: {
      credentials,
      providers: { meta, whapi },
      media: blobs,
      results,
      clock,
      settings: { sendTimeoutMs: SEND_TIMEOUT_MS, uploadTimeoutMs: UPLOAD_TIMEOUT_MS, maxReceives: MAX_RECEIVES, mediaMaxBytes: testMediaMaxBytes },
      held: new HeldResults(),
    },
    credentials,
    meta,
    whapi,
    blobs,
    results,
    clock,
  };
};
