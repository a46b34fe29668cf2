import type { ParkedEventV1, Provider } from '@wagw/contracts';
import { parkedEventKey } from '@wagw/core/ids';
import type { BlobStore } from '@wagw/core/ports';

/** A parked event and where it goes in the bucket. */
export interface ParkedEntry {
  key: string;
  parked: ParkedEventV1;
}

export interface ParkedEventInput {
  provider: Provider;
  channelId: string;
  queue: ParkedEventV1['queue'];
  /** The queue event without its tenantId. */
  event: Record<string, unknown>;
  /** The event's FIFO deduplication id: the same event always parks under the same key. */
  deduplicationId: string;
  parkedAt: string;
  presentedSecretSha256?: string;
  signedByMetaAppId?: string;
}

export const parkedEntry = (input: ParkedEventInput): ParkedEntry => {
  const parked: ParkedEventV1 = {
    schema: 'parked.v1',
    reason: 'unknown-channel',
    parkedAt: input.parkedAt,
    provider: input.provider,
    channelId: input.channelId,
    queue: input.queue,
    event: input.event,
  };
  if (input.presentedSecretSha256 !== undefined) parked.presentedSecretSha256 = input.presentedSecretSha256;
  if (input.signedByMetaAppId !== undefined) parked.signedByMetaAppId = input.signedByMetaAppId;
  return { key: parkedEventKey(input.provider, input.channelId, input.deduplicationId), parked };
};

/** Stores an event whose channel belongs to no tenant yet, for replay after onboarding. */
export const parkEvent = async (blobs: BlobStore, entry: ParkedEntry): Promise<void> =>
  blobs.put(entry.key, JSON.stringify(entry.parked), { contentType: 'application/json' });
