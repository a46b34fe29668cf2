import type { Readable } from 'node:stream';
import { MediaJobV1, MediaResultEventV1 } from '@wagw/contracts';
import type { MediaOutcomeV1, Provider } from '@wagw/contracts';
import { isGatewayError } from '@wagw/core/errors';
import type { GatewayError } from '@wagw/core/errors';
import { conversationGroupId, fifoId, mediaObjectKey } from '@wagw/core/ids';
import type { BlobStore, Clock, CredentialsClient, EventPublisher } from '@wagw/core/ports';
import { createDigestStream } from '@wagw/providers/media/digest-stream';
import { fileExtensionFor } from '@wagw/providers/media/file-extension';
import type { MediaClient, MediaDownload } from '@wagw/providers/media/media-client';
import { MediaErrorCode, retryableMediaError } from '@wagw/providers/media/media-error-codes';
import { mediaSizeLimit } from '@wagw/providers/media/media-size-limits';
import type { Logger } from '@wagw/runtime/logger';
import { parseQueueBody } from '@wagw/runtime/queue-body';

export interface FetchMediaDeps {
  credentials: CredentialsClient;
  blobs: BlobStore;
  publisher: EventPublisher;
  mediaClients: Readonly<Record<Provider, MediaClient>>;
  clock: Clock;
  /** Global cap on one file (MEDIA_MAX_BYTES); each kind has its own lower limit. */
  maxBytes?: number;
}

export interface FetchMediaAttempt {
  /** SQS ApproximateReceiveCount of the job (1 on the first delivery). */
  receiveCount: number;
  /** MEDIA_MAX_ATTEMPTS: on this delivery a transient failure is published as failed instead of thrown. */
  maxAttempts: number;
  /**
   * The job's SQS messageId, part of the result's deduplication id: the result of a later message of
   * the same job (re-published by the writer, replayed from the DLQ) must not be dropped by FIFO
   * deduplication as a copy of an earlier result. The writer's pending guard makes a second result
   * harmless.
   */
  messageId: string;
}

const MAX_REASON_LENGTH = 500;

/** A media job off the queue; a body that is no MediaJobV1 cannot be answered and goes to the DLQ. */
export const parseMediaJob = (body: string): MediaJobV1 => parseQueueBody(MediaJobV1, body, 'media job');

const reasonOf = (error: unknown): string => {
  const text = isGatewayError(error) ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
};

const codeOf = (error: unknown): string => (isGatewayError(error) ? error.code : 'UNEXPECTED');

/** Anything a download stream fails with that is not ours is a broken transfer: worth another try. */
const asTransferError = (error: unknown): GatewayError =>
  isGatewayError(error) ? error : retryableMediaError(MediaErrorCode.FETCH_FAILED, `media transfer failed: ${reasonOf(error)}`, error);

/** Opens the download; a refused token gets one refresh from the broker and one more try. */
const openDownload = async (deps: FetchMediaDeps, job: MediaJobV1, maxBytes: number, logger: Logger): Promise<MediaDownload> => {
  const client = deps.mediaClients[job.provider];
  const channel = await deps.credentials.getChannelCredentials(job.provider, job.channelId);
  try {
    return await client.open({ job, channel, maxBytes });
  } catch (error) {
    if (!isGatewayError(error) || error.code !== MediaErrorCode.UNAUTHORIZED) throw error;
    logger.warn({ code: error.code }, 'media token refused; refreshing credentials');
    deps.credentials.invalidate(job.provider, job.channelId);
    const refreshed = await deps.credentials.getChannelCredentials(job.provider, job.channelId);
    return client.open({ job, channel: refreshed, maxBytes });
  }
};

/**
 * Streams the body into the bucket while hashing it; resolves only when every byte is stored. The
 * upload is all-or-nothing (a broken stream aborts it), so a failed attempt leaves no object of its
 * own and never touches one an earlier attempt stored under the same key.
 */
const storeDownload = async (blobs: BlobStore, key: string, download: MediaDownload): Promise<{ size: number; sha256: string }> => {
  const { stream, digest } = createDigestStream();
  let transferError: unknown;
  const source: Readable = download.body;
  source.on('error', (error) => {
    transferError ??= error;
    stream.destroy(asTransferError(error));
  });
  source.pipe(stream);

  try {
    // Sender-controlled types (text/html, SVG) must never render inline from a presigned URL.
    await blobs.put(key, stream, { contentType: download.mimeType, contentDisposition: 'attachment' });
  } catch (error) {
    source.destroy();
    // The store reports a failed upload; the reason that matters is why the bytes stopped coming.
    throw transferError === undefined ? error : asTransferError(transferError);
  }
  if (transferError !== undefined) throw asTransferError(transferError);
  return digest();
};

const outcomeOf = async (deps: FetchMediaDeps, job: MediaJobV1, logger: Logger): Promise<MediaOutcomeV1> => {
  const maxBytes = mediaSizeLimit(job.kind, deps.maxBytes);
  const download = await openDownload(deps, job, maxBytes, logger);
  const key = mediaObjectKey(job.tenantId, job.provider, job.channelId, job.providerMessageId, fileExtensionFor(download.mimeType, job.filename));
  const { size, sha256 } = await storeDownload(deps.blobs, key, download);
  return { status: 'stored', key, mimeType: download.mimeType, size, sha256 };
};

/**
 * Downloads one message's media from its provider into the private bucket and publishes the outcome
 * for the inbound-writer, in the conversation's FIFO group. A permanent failure is an outcome
 * ('failed', with its code); a transient one is thrown for SQS to retry, except on the last allowed
 * attempt, where it becomes 'failed' with MEDIA_RETRIES_EXHAUSTED so that no row stays pending.
 */
export const fetchMedia = async (
  deps: FetchMediaDeps,
  job: MediaJobV1,
  attempt: FetchMediaAttempt,
  logger: Logger,
): Promise<MediaOutcomeV1> => {
  const log = logger.child({ tenantId: job.tenantId, provider: job.provider, channelId: job.channelId, providerMessageId: job.providerMessageId });
  const startedAt = deps.clock.now().getTime();
  let outcome: MediaOutcomeV1;
  try {
    outcome = await outcomeOf(deps, job, log);
  } catch (error) {
    const retryable = !isGatewayError(error) || error.retryable;
    const fields = { code: codeOf(error), retryable, reason: reasonOf(error), receiveCount: attempt.receiveCount };
    if (retryable && attempt.receiveCount < attempt.maxAttempts) {
      log.warn(fields, 'media fetch failed; will retry');
      throw error;
    }
    outcome = retryable
      ? { status: 'failed', code: MediaErrorCode.RETRIES_EXHAUSTED, reason: `${codeOf(error)}: ${reasonOf(error)}` }
      : { status: 'failed', code: codeOf(error), reason: reasonOf(error) };
  }

  const event: MediaResultEventV1 = {
    schema: 'media-result.v1',
    tenantId: job.tenantId,
    provider: job.provider,
    channelId: job.channelId,
    providerMessageId: job.providerMessageId,
    contactId: job.contactId,
    outcome,
  };
  await deps.publisher.publish('inbound-events', [
    {
      body: JSON.stringify(MediaResultEventV1.parse(event)),
      groupId: conversationGroupId(job.tenantId, job.channelId, job.contactId),
      deduplicationId: fifoId('media-result', job.provider, job.channelId, job.providerMessageId, attempt.messageId),
    },
  ]);

  const elapsedMs = deps.clock.now().getTime() - startedAt;
  if (outcome.status === 'stored') log.info({ key: outcome.key, mimeType: outcome.mimeType, size: outcome.size, elapsedMs }, 'media stored');
  else log.warn({ code: outcome.code, reason: outcome.reason, elapsedMs }, 'media failed');
  return outcome;
};
