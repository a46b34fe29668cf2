import type { ParkedEventV1, ParkReason, Provider } from '@wagw/contracts';
import { parkedEventKey } from '@wagw/core/ids';
import type { BlobStore } from '@wagw/core/ports';

/** A parked event and where it goes in the bucket. */
export interface ParkedEntry {
  key: string;
  parked: ParkedEventV1;
}

export interface ParkedEventInput {
  reason: ParkReason;
  provider: Provider;
  channelId: string;
  queue: ParkedEventV1['queue'];
  /** The queue event without its tenantId. */
  event: Record<string, unknown>;
  /** The event's FIFO deduplication id: the same event from the same sender always parks under the same key. */
  deduplicationId: string;
  parkedAt: string;
  /** The event's position among the events of its webhook body. */
  sequence: number;
  presentedSecretSha256?: string;
  signedByMetaAppIds?: readonly string[];
}

/** Who sent the event, as far as the receiver can tell: part of the key, so no sender overwrites another's event. */
const senderId = (input: ParkedEventInput): string =>
  input.signedByMetaAppIds !== undefined ? [...input.signedByMetaAppIds].sort().join(',') : (input.presentedSecretSha256 ?? '');

export const parkedEntry = (input: ParkedEventInput): ParkedEntry => {
  const parked: ParkedEventV1 = {
    schema: 'parked.v1',
    reason: input.reason,
    parkedAt: input.parkedAt,
    sequence: input.sequence,
    provider: input.provider,
    channelId: input.channelId,
    queue: input.queue,
    event: input.event,
  };
  if (input.presentedSecretSha256 !== undefined) parked.presentedSecretSha256 = input.presentedSecretSha256;
  if (input.signedByMetaAppIds !== undefined) parked.signedByMetaAppIds = [...input.signedByMetaAppIds];
  return { key: parkedEventKey(input.provider, input.channelId, input.deduplicationId, senderId(input)), parked };
};

/** Stores an event the receiver could not give to a tenant, for replay after onboarding or repair. */
export const parkEvent = async (blobs: BlobStore, entry: ParkedEntry): Promise<void> =>
  blobs.put(entry.key, JSON.stringify(entry.parked), { contentType: 'application/json' });
