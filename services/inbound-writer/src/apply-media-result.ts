import type { MediaResultEventV1 } from '@wagw/contracts';
import type { Logger } from '@wagw/runtime/logger';
import { MediaTargetMissingError } from './errors';
import type { InboundWriterDependencies } from './inbound-writer-dependencies';

export type ApplyMediaOutcome = 'applied' | 'unchanged';

/**
 * Records a media function's outcome on the message row: pending → stored | failed. A row already
 * past 'pending' is left alone (a redelivered result); a row not there yet is an error, retried.
 */
export const applyMediaResult = async (
  deps: InboundWriterDependencies,
  event: MediaResultEventV1,
  logger: Logger,
): Promise<ApplyMediaOutcome> => {
  const { tenantId, provider, channelId, providerMessageId } = event;
  const store = await deps.stores.forTenant(tenantId);
  const outcome = await store.applyMediaOutcome({ provider, channelId, providerMessageId }, event.outcome);
  if (outcome === 'missing') throw new MediaTargetMissingError(tenantId, providerMessageId);
  logger.info(
    {
      tenantId,
      provider,
      channelId,
      providerMessageId,
      outcome,
      mediaStatus: event.outcome.status,
      ...(event.outcome.status === 'failed' ? { mediaErrorCode: event.outcome.code } : {}),
    },
    'media result applied',
  );
  return outcome;
};
