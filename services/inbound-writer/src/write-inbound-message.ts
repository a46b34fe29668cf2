import type { InboundMessageEventV1 } from '@wagw/contracts';
import type { Logger } from '@wagw/runtime/logger';
import type { InboundWriterDependencies } from './inbound-writer-dependencies';
import { toInboundRow } from './inbound-row';
import { mediaJobMessage } from './media-job';
import { normalizeInboundItem } from './normalize-inbound-item';

export type WriteMessageOutcome = 'inserted' | 'duplicate';

/**
 * Writes one inbound message into its tenant's wa_inbound_messages, exactly once. A message with a
 * file gets a media job; a redelivery that finds the row still 'pending' publishes the job again, so
 * a crash between insert and publish cannot leave the row pending forever.
 */
export const writeInboundMessage = async (
  deps: InboundWriterDependencies,
  event: InboundMessageEventV1,
  logger: Logger,
): Promise<WriteMessageOutcome> => {
  const message = normalizeInboundItem(event);
  const row = toInboundRow(event, message);
  const store = await deps.stores.forTenant(event.tenantId);
  const result = await store.insertInboundMessage(row);
  const { media } = message;
  const publishMediaJob = media !== undefined && (result.outcome === 'inserted' || result.mediaStatus === 'pending');
  if (publishMediaJob) await deps.publisher.publish('media-jobs', [mediaJobMessage(event, media)]);
  logger.info(
    {
      tenantId: event.tenantId,
      provider: event.provider,
      channelId: event.channelId,
      providerMessageId: event.providerMessageId,
      type: row.type,
      outcome: result.outcome,
      mediaStatus: result.outcome === 'inserted' ? row.mediaStatus : result.mediaStatus,
      mediaJobPublished: publishMediaJob,
      lagMs: deps.clock.now().getTime() - row.receivedAt.getTime(),
    },
    'inbound message written',
  );
  return result.outcome;
};
