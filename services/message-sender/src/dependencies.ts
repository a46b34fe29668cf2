import { createLambdaClient, createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import { SqsQueueReader } from '@wagw/aws/sqs-queue-reader';
import { systemClock } from '@wagw/core/ports';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import type { BrokerTransport } from '@wagw/credentials/broker-transport';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import { mediaSizeLimit } from '@wagw/providers/media/media-size-limits';
import { messagingProviders } from '@wagw/providers/send/messaging-providers';
import type { RetryBackoff } from '@wagw/runtime/sqs-fifo-batch';
import type { MessageSenderConfig } from './config';
import { HeldResults } from './held-results';
import type { MessageSenderDependencies } from './message-sender-dependencies';
import { outboundRetryBackoff } from './retry-delay';

export interface DependencyOverrides {
  /** Integration tests answer the broker in-process; everything else stays real. */
  brokerTransport?: BrokerTransport;
}

/**
 * Composition root: config → real adapters, built once per Lambda container so that broker answers,
 * provider keep-alive connections and SQS/S3 clients are reused across invocations.
 */
export const createDependencies = (
  config: MessageSenderConfig,
  overrides: DependencyOverrides = {},
): MessageSenderDependencies & { retryBackoff: RetryBackoff; closeConnections(): Promise<void> } => {
  const region = config.AWS_REGION;
  const credentials = new CachedCredentialsClient(
    overrides.brokerTransport ??
      new LambdaBrokerTransport(
        createLambdaClient({ endpoint: config.AWS_ENDPOINT_URL_LAMBDA ?? config.AWS_ENDPOINT_URL, region }),
        config.CREDENTIALS_BROKER_FUNCTION,
      ),
  );
  const sqs = createSqsClient({ endpoint: config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL, region });
  const s3 = createS3Client({ endpoint: config.AWS_ENDPOINT_URL_S3 ?? config.AWS_ENDPOINT_URL, region });
  const queue = new SqsQueueReader(sqs);
  return {
    credentials,
    providers: messagingProviders({ sendTimeoutMs: config.SEND_TIMEOUT_MS, uploadTimeoutMs: config.MEDIA_UPLOAD_TIMEOUT_MS }),
    media: new S3BlobStore(s3, config.BUCKET_NAME),
    results: new SqsEventPublisher(sqs, { 'status-events': config.STATUS_EVENTS_QUEUE_URL }),
    clock: systemClock,
    settings: {
      sendTimeoutMs: config.SEND_TIMEOUT_MS,
      uploadTimeoutMs: config.MEDIA_UPLOAD_TIMEOUT_MS,
      maxReceives: config.SEND_MAX_RECEIVES,
      mediaMaxBytes: (kind) => mediaSizeLimit(kind),
    },
    held: new HeldResults(),
    retryBackoff: outboundRetryBackoff(
      { baseSeconds: config.RETRY_BASE_SECONDS, maxSeconds: config.RETRY_MAX_SECONDS, random: Math.random },
      (receiptHandle, seconds) => queue.changeVisibility(config.OUTBOUND_MESSAGES_QUEUE_URL, receiptHandle, seconds),
    ),
    // Nothing here holds a connection that outlives a call (keep-alive sockets close on their own).
    closeConnections: async () => undefined,
  };
};
