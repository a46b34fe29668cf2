import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import type { FifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import { fetchMedia, parseMediaJob } from './fetch-media';
import type { MediaContext } from './media-dependencies';
import { getMediaDependencies } from './media-dependencies';

/** The media function over its dependencies: one media job per SQS record. */
export const createMediaHandler = ({ deps, logger, maxAttempts }: MediaContext): FifoBatchHandler =>
  createFifoBatchHandler(async (body, record) => {
    await fetchMedia(deps, parseMediaJob(body), { receiveCount: record.receiveCount, maxAttempts, messageId: record.messageId }, record.logger);
  }, { logger });

let built: FifoBatchHandler | undefined;

/** Lambda entry of the media function (SQS event source on media-jobs.fifo, partial batch responses). */
export const handler: FifoBatchHandler = (event, lambdaContext) => {
  built ??= createMediaHandler(getMediaDependencies());
  return built(event, lambdaContext);
};
