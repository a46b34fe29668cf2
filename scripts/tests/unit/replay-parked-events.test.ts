import type { ChannelOwnerV1, ChannelRecordV1, ParkedEventV1, Provider, QueueRole } from '@wagw/contracts';
import { ChannelNotFoundError, conversationGroupId, fifoId, parkedEventKey, sha256Hex } from '@wagw/core';
import type { BlobStore, EventPublisher, QueueMessage } from '@wagw/core';
import { listParkedEvents, replayParkedEvents } from '../../src/parked/replay-parked-events';
import type { ParkedEventsDeps } from '../../src/parked/replay-parked-events';

class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, Uint8Array>();
  failDeletes = false;
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? Buffer.from(body) : body);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
  async delete(key: string): Promise<void> {
    if (this.failDeletes) throw new Error('bucket unavailable');
    this.objects.delete(key);
  }
}

class RecordingPublisher implements EventPublisher {
  readonly published: { queue: QueueRole; message: QueueMessage }[] = [];
  fail = false;
  /** Publishing a message whose deduplication id ends with this fails. */
  failFor: string | undefined;
  async publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    if (this.fail) throw new Error('queue unavailable');
    if (messages.some((message) => this.failFor !== undefined && message.deduplicationId.endsWith(this.failFor))) throw new Error('throttled');
    for (const message of messages) this.published.push({ queue, message });
  }
}

const WHAPI_SECRET = 'whapi-webhook-secret-for-tests';

const owners: ChannelOwnerV1[] = [
  { tenantId: 'acme', provider: 'meta', channelId: '100000000000001', metaAppId: 'demo-app', wabaId: '200000000000001' },
  { tenantId: 'acme', provider: 'whapi', channelId: 'TESTCH-ABCDE' },
];

const channels: ChannelRecordV1[] = [
  { provider: 'whapi', channelId: 'TESTCH-ABCDE', apiToken: 'tok', webhookSecret: WHAPI_SECRET, baseUrl: 'https://gate.whapi.cloud' },
];

const credentials: ParkedEventsDeps['credentials'] = {
  resolveChannel: async (provider: Provider, channelId: string) => {
    const owner = owners.find((o) => o.provider === provider && o.channelId === channelId);
    if (!owner) throw new ChannelNotFoundError(provider, channelId);
    return owner;
  },
  getChannelCredentials: async (provider: Provider, channelId: string) => {
    const channel = channels.find((c) => c.provider === provider && c.channelId === channelId);
    if (!channel) throw new ChannelNotFoundError(provider, channelId);
    return channel;
  },
};

const RECEIVED_AT = '2025-10-09T08:53:20.000Z';

const inboundEvent = (provider: Provider, channelId: string, providerMessageId: string) => ({
  schema: 'inbound-message.v1',
  provider,
  channelId,
  providerMessageId,
  contactId: '15550001111',
  item: { id: providerMessageId, type: 'text', text: { body: 'hi' } },
  archiveKey: `raw/${provider}/abc.json`,
  receivedAt: RECEIVED_AT,
});

const parkedMessage = (
  provider: Provider,
  channelId: string,
  providerMessageId: string,
  extra: Partial<ParkedEventV1> = {},
): ParkedEventV1 => ({
  schema: 'parked.v1',
  reason: 'unknown-channel',
  parkedAt: '2025-10-09T08:53:21.000Z',
  sequence: 0,
  provider,
  channelId,
  queue: 'inbound-events',
  event: inboundEvent(provider, channelId, providerMessageId),
  ...(provider === 'meta' ? { signedByMetaAppIds: ['demo-app'] } : {}),
  ...extra,
});

/** A Meta message of the onboarded number, signed by its app, with its own event fields overridden. */
const metaMessage = (providerMessageId: string, event: Record<string, unknown> = {}, extra: Partial<ParkedEventV1> = {}): ParkedEventV1 => {
  const parked = parkedMessage('meta', '100000000000001', providerMessageId, extra);
  return { ...parked, event: { ...parked.event, ...event } };
};

const park = async (blobs: MemoryBlobStore, parked: ParkedEventV1): Promise<string> => {
  const dedup = fifoId('msg', parked.provider, parked.channelId, String(parked.event.providerMessageId));
  const sender = parked.provider === 'meta' ? [...(parked.signedByMetaAppIds ?? [])].sort().join(',') : (parked.presentedSecretSha256 ?? '');
  const key = parkedEventKey(parked.provider, parked.channelId, dedup, sender);
  await blobs.put(key, JSON.stringify(parked));
  return key;
};

describe('replayParkedEvents', () => {
  let blobs: MemoryBlobStore;
  let publisher: RecordingPublisher;
  let deps: ParkedEventsDeps;

  beforeEach(() => {
    blobs = new MemoryBlobStore();
    publisher = new RecordingPublisher();
    deps = { blobs, publisher, credentials };
  });

  it('publishes an onboarded Meta channel event to its tenant with the receiver ids, then deletes it', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.PARKED-1', { signedByMetaAppIds: ['demo-app'] }));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([
      { key, status: 'replayed', tenantId: 'acme', queue: 'inbound-events', deduplicationId: 'msg:meta:100000000000001:wamid.PARKED-1' },
    ]);
    expect(publisher.published).toHaveLength(1);
    const { queue, message } = publisher.published[0]!;
    expect(queue).toBe('inbound-events');
    expect(message.groupId).toBe(conversationGroupId('acme', '100000000000001', '15550001111'));
    expect(JSON.parse(message.body)).toMatchObject({ tenantId: 'acme', providerMessageId: 'wamid.PARKED-1', schema: 'inbound-message.v1' });
    expect(blobs.objects.has(key)).toBe(false);
  });

  it('keeps an event whose channel is still unknown', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('meta', '199999999999999', 'wamid.PARKED-2'));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([{ key, status: 'still-unknown', provider: 'meta', channelId: '199999999999999' }]);
    expect(publisher.published).toHaveLength(0);
    expect(blobs.objects.has(key)).toBe(true);
  });

  it('replays a Whapi event whose presented secret matches the onboarded channel', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('whapi', 'TESTCH-ABCDE', 'W1', { presentedSecretSha256: sha256Hex(WHAPI_SECRET) }));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes[0]).toMatchObject({ key, status: 'replayed', tenantId: 'acme' });
    expect(blobs.objects.has(key)).toBe(false);
  });

  it('keeps and reports a Whapi event presented with another secret', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('whapi', 'TESTCH-ABCDE', 'W2', { presentedSecretSha256: sha256Hex('guessed') }));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([{ key, status: 'secret-mismatch', channelId: 'TESTCH-ABCDE' }]);
    expect(publisher.published).toHaveLength(0);
    expect(blobs.objects.has(key)).toBe(true);
  });

  it('keeps a Whapi event that carries no presented secret at all', async () => {
    // Prepare
    await park(blobs, parkedMessage('whapi', 'TESTCH-ABCDE', 'W3'));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes[0]!.status).toBe('secret-mismatch');
  });

  it('keeps a Meta event signed by an app other than the channel app', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.PARKED-3', { signedByMetaAppIds: ['other-app'] }));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([{ key, status: 'app-mismatch', channelId: '100000000000001' }]);
    expect(blobs.objects.has(key)).toBe(true);
  });

  it('keeps a Meta event that records no signing app: no recorded app is a mismatch', async () => {
    // Prepare
    const { signedByMetaAppIds: _none, ...unsigned } = parkedMessage('meta', '100000000000001', 'wamid.UNSIGNED');
    const key = await park(blobs, unsigned);

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([{ key, status: 'app-mismatch', channelId: '100000000000001' }]);
    expect(publisher.published).toHaveLength(0);
    expect(blobs.objects.has(key)).toBe(true);
  });

  it("replays a Meta event when the channel's app is one of the apps that share the signing secret", async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.SHARED', { signedByMetaAppIds: ['other-app', 'demo-app'] }));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes[0]).toMatchObject({ key, status: 'replayed', tenantId: 'acme' });
  });

  it('replays an event parked for an unusable channel record once the record resolves, like an unknown channel', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.REPAIRED', { reason: 'channel-record-invalid' }));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes[0]).toMatchObject({ key, status: 'replayed', tenantId: 'acme' });
    expect(blobs.objects.has(key)).toBe(false);
  });

  it.each([
    ['another channel', { channelId: '100000000000002' }],
    ['another provider', { provider: 'whapi' }],
  ])('reports as invalid, and keeps, an event parked under one channel whose own event names %s', async (_name, event) => {
    // Prepare: the parked envelope passes every check of channel 100000000000001, its event is for elsewhere.
    const key = await park(blobs, metaMessage('wamid.SMUGGLED', event));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([{ key, status: 'invalid', reason: expect.stringContaining('not for meta channel 100000000000001') }]);
    expect(publisher.published).toHaveLength(0);
    expect(blobs.objects.has(key)).toBe(true);
  });

  it('replays parked events in the order they arrived, whatever order the bucket lists them in', async () => {
    // Prepare: two bodies; the first carried three messages.
    const later = '2025-10-09T08:54:00.000Z';
    await park(blobs, metaMessage('wamid.4', { receivedAt: later }, { parkedAt: later, sequence: 0 }));
    await park(blobs, metaMessage('wamid.3', {}, { sequence: 2 }));
    await park(blobs, metaMessage('wamid.1', {}, { sequence: 0 }));
    await park(blobs, metaMessage('wamid.2', {}, { sequence: 1 }));

    // Act
    await replayParkedEvents(deps);

    // Assert
    expect(publisher.published.map(({ message }) => JSON.parse(message.body).providerMessageId)).toEqual(['wamid.1', 'wamid.2', 'wamid.3', 'wamid.4']);
  });

  it("keeps a conversation's later events parked after its first failed publish and replays the other conversations", async () => {
    // Prepare
    const first = await park(blobs, metaMessage('wamid.C1', {}, { sequence: 0 }));
    const second = await park(blobs, metaMessage('wamid.C2', {}, { sequence: 1 }));
    const third = await park(blobs, metaMessage('wamid.C3', {}, { sequence: 2 }));
    const otherContact = await park(blobs, metaMessage('wamid.D1', { contactId: '15550002222' }, { sequence: 3 }));
    publisher.failFor = 'wamid.C2';

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes.map((outcome) => [outcome.key, outcome.status])).toEqual([
      [first, 'replayed'],
      [second, 'failed'],
      [third, 'failed'],
      [otherContact, 'replayed'],
    ]);
    expect(outcomes[2]).toMatchObject({ reason: expect.stringContaining('held back') });
    expect(publisher.published.map(({ message }) => JSON.parse(message.body).providerMessageId)).toEqual(['wamid.C1', 'wamid.D1']);
    expect([second, third].every((key) => blobs.objects.has(key))).toBe(true);
  });

  it('keeps the parked object when the publish fails', async () => {
    // Prepare
    const key = await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.PARKED-4'));
    publisher.fail = true;

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes[0]).toMatchObject({ key, status: 'failed' });
    expect(blobs.objects.has(key)).toBe(true);
  });

  it('republishes a receipt with the receipt dedup id into status-events', async () => {
    // Prepare
    const receipt: ParkedEventV1 = {
      schema: 'parked.v1',
      reason: 'unknown-channel',
      parkedAt: '2025-10-09T08:53:21.000Z',
      sequence: 0,
      signedByMetaAppIds: ['demo-app'],
      provider: 'meta',
      channelId: '100000000000001',
      queue: 'status-events',
      event: {
        schema: 'receipt.v1',
        provider: 'meta',
        channelId: '100000000000001',
        providerMessageId: 'wamid.OUT-1',
        contactId: '15550001111',
        status: 'delivered',
        occurredAt: '2025-10-09T08:53:20.000Z',
        errors: [],
        item: { id: 'wamid.OUT-1', status: 'delivered' },
        archiveKey: 'raw/meta/abc.json',
        receivedAt: '2025-10-09T08:53:20.000Z',
      },
    };
    await blobs.put(parkedEventKey('meta', '100000000000001', 'receipt', 'demo-app'), JSON.stringify(receipt));

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes[0]).toMatchObject({ status: 'replayed', queue: 'status-events', deduplicationId: 'receipt:meta:100000000000001:wamid.OUT-1:delivered' });
    expect(publisher.published[0]!.queue).toBe('status-events');
  });

  it('reports an object that is not a parked event as invalid and leaves it alone', async () => {
    // Prepare
    await blobs.put('parked/meta/1/garbage.json', 'not json');

    // Act
    const outcomes = await replayParkedEvents(deps);

    // Assert
    expect(outcomes).toEqual([{ key: 'parked/meta/1/garbage.json', status: 'invalid', reason: 'not JSON' }]);
    expect(blobs.objects.has('parked/meta/1/garbage.json')).toBe(true);
  });

  it('replays only the channel asked for', async () => {
    // Prepare
    await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.A'));
    const other = await park(blobs, parkedMessage('whapi', 'TESTCH-ABCDE', 'W9', { presentedSecretSha256: sha256Hex(WHAPI_SECRET) }));

    // Act
    const outcomes = await replayParkedEvents(deps, { provider: 'meta', channelId: '100000000000001' });

    // Assert
    expect(outcomes).toHaveLength(1);
    expect(blobs.objects.has(other)).toBe(true);
  });

  it('lists parked events with their provider and channel', async () => {
    // Prepare
    await park(blobs, parkedMessage('meta', '100000000000001', 'wamid.L1'));

    // Act
    const { entries } = await listParkedEvents(blobs);

    // Assert
    expect(entries.map((entry) => [entry.parked.provider, entry.parked.channelId])).toEqual([['meta', '100000000000001']]);
  });
});
