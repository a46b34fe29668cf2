import type { InboundMessageEventV1, MediaJobV1 } from '@wagw/contracts';
import { fifoId } from '@wagw/core/ids';
import type { QueueMessage } from '@wagw/core/ports';
import type { NormalizedMedia } from '@wagw/providers/normalized-message';

/**
 * The media-jobs.fifo message for one message's file. Grouped per message (downloads of one
 * conversation may run in parallel); deduplicated per message, so a republish within SQS's
 * five-minute window is dropped.
 */
export const mediaJobMessage = (event: InboundMessageEventV1, media: NormalizedMedia): QueueMessage => {
  const { tenantId, provider, channelId, providerMessageId, contactId } = event;
  const job: MediaJobV1 = {
    schema: 'media-job.v1',
    tenantId,
    provider,
    channelId,
    providerMessageId,
    contactId,
    mediaId: media.mediaId,
    link: media.link,
    mimeType: media.mimeType,
    filename: media.filename,
    kind: media.kind,
  };
  return {
    body: JSON.stringify(job),
    groupId: fifoId(tenantId, channelId, providerMessageId),
    deduplicationId: fifoId('media', provider, channelId, providerMessageId),
  };
};
