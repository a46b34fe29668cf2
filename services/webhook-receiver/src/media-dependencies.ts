import type { Provider } from '@wagw/contracts';
import { createLambdaClient, createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import { systemClock } from '@wagw/core/ports';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import type { MediaClient, MediaClientOptions } from '@wagw/providers/media/media-client';
import { MetaMediaClient } from '@wagw/providers/meta/media-client';
import { WhapiMediaClient } from '@wagw/providers/whapi/media-client';
import { createLogger } from '@wagw/runtime/logger';
import type { Logger } from '@wagw/runtime/logger';
import type { FetchMediaDeps } from './fetch-media';
import type { MediaConfig } from './media-config';
import { loadMediaConfig } from './media-config';

export interface MediaContext {
  deps: FetchMediaDeps;
  logger: Logger;
  maxAttempts: number;
}

/** One media client per provider; a new provider is one more line here. */
export const createMediaClients = (options: MediaClientOptions): Readonly<Record<Provider, MediaClient>> => ({
  meta: new MetaMediaClient(options),
  whapi: new WhapiMediaClient(options),
});

/** Composition root of the media function: configuration → real adapters. */
export const buildMediaDependencies = (config: MediaConfig): MediaContext => {
  const { region, endpoints } = config;
  const lambda = createLambdaClient({ region, ...(endpoints.lambda === undefined ? {} : { endpoint: endpoints.lambda }) });
  const sqs = createSqsClient({ region, ...(endpoints.sqs === undefined ? {} : { endpoint: endpoints.sqs }) });
  const s3 = createS3Client({ region, ...(endpoints.s3 === undefined ? {} : { endpoint: endpoints.s3 }) });
  return {
    deps: {
      credentials: new CachedCredentialsClient(new LambdaBrokerTransport(lambda, config.credentialsBrokerFunction)),
      blobs: new S3BlobStore(s3, config.bucketName),
      publisher: new SqsEventPublisher(sqs, { 'inbound-events': config.inboundEventsQueueUrl }),
      mediaClients: createMediaClients({ allowedHosts: config.allowedHosts, timeoutMs: config.timeoutMs }),
      clock: systemClock,
      maxBytes: config.maxBytes,
    },
    logger: createLogger({ level: config.logLevel, base: { service: 'webhook-receiver-media' } }),
    maxAttempts: config.maxAttempts,
  };
};

let context: MediaContext | undefined;

/** Built on first use, then reused by every invocation of this container (clients keep their connections). */
export const getMediaDependencies = (): MediaContext => {
  context ??= buildMediaDependencies(loadMediaConfig());
  return context;
};
