import { timingSafeEqual } from 'node:crypto';
import { InboundMessageEventV1, ParkedEventV1, ReceiptEventV1 } from '@wagw/contracts';
import type { Provider, QueueRole } from '@wagw/contracts';
import { conversationGroupId, describeError, fifoId, isGatewayError, sha256Hex } from '@wagw/core';
import type { BlobStore, CredentialsClient, EventPublisher, QueueMessage } from '@wagw/core';

export const PARKED_PREFIX = 'parked/';

export interface ParkedEventsDeps {
  blobs: BlobStore;
  publisher: EventPublisher;
  credentials: Pick<CredentialsClient, 'resolveChannel' | 'getChannelCredentials'>;
}

export interface ParkedFilter {
  provider?: Provider;
  channelId?: string;
}

export interface ParkedEntry {
  key: string;
  parked: ParkedEventV1;
}

export type ParkedReplayOutcome =
  | { key: string; status: 'replayed'; tenantId: string; queue: QueueRole; deduplicationId: string }
  /** The channel is still owned by no tenant: kept for a later replay. */
  | { key: string; status: 'still-unknown'; provider: Provider; channelId: string }
  /** Whapi: the secret presented when the event arrived is not the onboarded channel's secret. Kept. */
  | { key: string; status: 'secret-mismatch'; channelId: string }
  /** Meta: the channel's app is none of the apps whose secret signed the webhook (or none was recorded). Kept. */
  | { key: string; status: 'app-mismatch'; channelId: string }
  /** Not a parked event this version understands. Kept for a human. */
  | { key: string; status: 'invalid'; reason: string }
  /**
   * Something failed on the way (broker, queue, bucket). Kept; run the replay again. The later events
   * of the same conversation are then kept too (failed, "held back") so they never overtake it.
   */
  | { key: string; status: 'failed'; reason: string };

export const parkedPrefix = (filter: ParkedFilter = {}): string => {
  if (!filter.provider) return PARKED_PREFIX;
  return filter.channelId ? `${PARKED_PREFIX}${filter.provider}/${filter.channelId}/` : `${PARKED_PREFIX}${filter.provider}/`;
};

const matchesFilter = (parked: ParkedEventV1, filter: ParkedFilter): boolean =>
  (!filter.provider || parked.provider === filter.provider) && (!filter.channelId || parked.channelId === filter.channelId);

const readParked = async (blobs: BlobStore, key: string): Promise<ParkedEventV1 | string> => {
  const bytes = await blobs.get(key);
  if (!bytes) return 'object disappeared';
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const parsed = ParkedEventV1.safeParse(json);
  return parsed.success ? parsed.data : `not a parked.v1 event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
};

const timeOf = (iso: unknown): number => (typeof iso === 'string' ? Date.parse(iso) : Number.NaN);

/** When the event reached the receiver: its receivedAt, else the parkedAt of its body. */
const arrivalOf = (parked: ParkedEventV1): number => {
  const receivedAt = timeOf(parked.event.receivedAt);
  return Number.isNaN(receivedAt) ? timeOf(parked.parkedAt) : receivedAt;
};

/** Arrival order: (receivedAt or parkedAt, place in its body), the key only to make ties stable. */
const byArrival = (a: ParkedEntry, b: ParkedEntry): number =>
  arrivalOf(a.parked) - arrivalOf(b.parked) || a.parked.sequence - b.parked.sequence || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Every parked event under the filter in arrival order (the bucket lists keys in hash order);
 * unreadable objects are reported as invalid.
 */
export const listParkedEvents = async (
  blobs: BlobStore,
  filter: ParkedFilter = {},
): Promise<{ entries: ParkedEntry[]; invalid: { key: string; reason: string }[] }> => {
  const entries: ParkedEntry[] = [];
  const invalid: { key: string; reason: string }[] = [];
  for (const key of await blobs.list(parkedPrefix(filter))) {
    const parked = await readParked(blobs, key);
    if (typeof parked === 'string') invalid.push({ key, reason: parked });
    else if (matchesFilter(parked, filter)) entries.push({ key, parked });
  }
  return { entries: entries.sort(byArrival), invalid };
};

const sameHex = (a: string, b: string): boolean => {
  const left = Buffer.from(a.toLowerCase(), 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The queue message the receiver would have published had the channel been known: same group and dedup ids. */
export const toQueueMessage = (parked: ParkedEventV1, tenantId: string): { queue: QueueRole; message: QueueMessage } => {
  const candidate = { ...parked.event, tenantId };
  if (parked.queue === 'inbound-events') {
    const event = InboundMessageEventV1.parse(candidate);
    return {
      queue: 'inbound-events',
      message: {
        body: JSON.stringify(event),
        groupId: conversationGroupId(tenantId, event.channelId, event.contactId),
        deduplicationId: fifoId('msg', event.provider, event.channelId, event.providerMessageId),
      },
    };
  }
  const event = ReceiptEventV1.parse(candidate);
  return {
    queue: 'status-events',
    message: {
      body: JSON.stringify(event),
      groupId: conversationGroupId(tenantId, event.channelId, event.contactId),
      deduplicationId: fifoId('receipt', event.provider, event.channelId, event.providerMessageId, event.status),
    },
  };
};


/** The event must be for the channel it was parked under: the key, the filter and the checks all use the latter. */
const belongsToItsChannel = (parked: ParkedEventV1): boolean =>
  parked.event.channelId === parked.channelId && parked.event.provider === parked.provider;

const replayOne = async (deps: ParkedEventsDeps, key: string, parked: ParkedEventV1): Promise<ParkedReplayOutcome> => {
  if (!belongsToItsChannel(parked)) {
    return { key, status: 'invalid', reason: `its event is not for ${parked.provider} channel ${parked.channelId}` };
  }
  let owner;
  try {
    owner = await deps.credentials.resolveChannel(parked.provider, parked.channelId);
  } catch (error) {
    if (isGatewayError(error) && error.code === 'CHANNEL_NOT_FOUND') {
      return { key, status: 'still-unknown', provider: parked.provider, channelId: parked.channelId };
    }
    return { key, status: 'failed', reason: describeError(error) };
  }

  if (parked.provider === 'whapi') {
    let channel;
    try {
      channel = await deps.credentials.getChannelCredentials('whapi', parked.channelId);
    } catch (error) {
      return { key, status: 'failed', reason: describeError(error) };
    }
    const expected = channel.provider === 'whapi' ? sha256Hex(channel.webhookSecret) : undefined;
    if (!expected || !parked.presentedSecretSha256 || !sameHex(parked.presentedSecretSha256, expected)) {
      return { key, status: 'secret-mismatch', channelId: parked.channelId };
    }
  }
  // Fail closed: an event that records no signing app is refused like one signed by another app.
  if (parked.provider === 'meta' && (owner.metaAppId === undefined || !(parked.signedByMetaAppIds ?? []).includes(owner.metaAppId))) {
    return { key, status: 'app-mismatch', channelId: parked.channelId };
  }

  let queued;
  try {
    queued = toQueueMessage(parked, owner.tenantId);
  } catch (error) {
    return { key, status: 'invalid', reason: describeError(error) };
  }
  try {
    await deps.publisher.publish(queued.queue, [queued.message]);
  } catch (error) {
    return { key, status: 'failed', reason: `publish failed: ${describeError(error)}` };
  }
  try {
    await deps.blobs.delete(key);
  } catch (error) {
    // Published but not deleted: a second replay publishes the same dedup id, and the writer's insert is idempotent.
    return { key, status: 'failed', reason: `published, but the parked object was not deleted: ${describeError(error)}` };
  }
  return { key, status: 'replayed', tenantId: owner.tenantId, queue: queued.queue, deduplicationId: queued.message.deduplicationId };
};

const conversationOf = (parked: ParkedEventV1): string =>
  JSON.stringify([parked.provider, parked.channelId, typeof parked.event.contactId === 'string' ? parked.event.contactId : '']);

/**
 * Replays parked events whose channel has been onboarded (or whose record was repaired) since,
 * whatever the reason they were parked for: resolves the owner now, checks the sender's credentials
 * against the channel, publishes with the receiver's group/dedup ids, and deletes the parked object
 * only after the publish succeeded. Events go in arrival order; once one event of a conversation
 * fails, the conversation's later events stay parked so a later run replays them in order.
 */
export const replayParkedEvents = async (deps: ParkedEventsDeps, filter: ParkedFilter = {}): Promise<ParkedReplayOutcome[]> => {
  const { entries, invalid } = await listParkedEvents(deps.blobs, filter);
  const outcomes: ParkedReplayOutcome[] = invalid.map(({ key, reason }) => ({ key, status: 'invalid', reason }));
  const heldBack = new Set<string>();
  for (const { key, parked } of entries) {
    const conversation = conversationOf(parked);
    if (heldBack.has(conversation)) {
      outcomes.push({ key, status: 'failed', reason: 'held back: an earlier event of this conversation was not replayed' });
      continue;
    }
    const outcome = await replayOne(deps, key, parked);
    if (outcome.status === 'failed') heldBack.add(conversation);
    outcomes.push(outcome);
  }
  return outcomes;
};
