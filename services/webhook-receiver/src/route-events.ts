import type { BlobStore, EventPublisher } from '@wagw/core/ports';
import type { EventBatch } from './event-batch';
import { parkEvent } from './park-event';
import { WebhookNotStoredError } from './receiver-errors';

export interface RawArchive {
  key: string;
  body: Uint8Array;
}

export const archiveRawBody = async (blobs: BlobStore, archive: RawArchive): Promise<void> => {
  try {
    await blobs.put(archive.key, archive.body, { contentType: 'application/json', contentLength: archive.body.byteLength });
  } catch (error) {
    throw new WebhookNotStoredError('archiving the raw body', error);
  }
};

/**
 * Archives the raw body, then puts every event on its queue and every parked event in the bucket.
 * Resolves only when all of it is durable; otherwise throws WebhookNotStoredError (after every
 * started write has settled) so the provider delivers again. Publishing twice is safe: FIFO
 * deduplication and the writer's unique key absorb it, and parked keys are deterministic.
 */
export const routeEvents = async (
  deps: { publisher: EventPublisher; blobs: BlobStore },
  archive: RawArchive,
  batch: EventBatch,
): Promise<void> => {
  await archiveRawBody(deps.blobs, archive);

  const writes: Promise<void>[] = [];
  if (batch.inbound.length > 0) writes.push(deps.publisher.publish('inbound-events', batch.inbound));
  if (batch.statuses.length > 0) writes.push(deps.publisher.publish('status-events', batch.statuses));
  for (const entry of batch.parked) writes.push(parkEvent(deps.blobs, entry));

  const failure = (await Promise.allSettled(writes)).find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw new WebhookNotStoredError('queueing the events', failure.reason);
};
