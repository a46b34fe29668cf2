import { createLambdaClient, createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import { systemClock } from '@wagw/core/ports';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import { createLogger } from '@wagw/runtime/logger';
import type { ReceiverConfig } from './config';
import { loadConfig } from './config';
import type { ReceiverContext } from './receiver-deps';

/** Composition root: configuration → real adapters. */
export const buildDependencies = (config: ReceiverConfig): ReceiverContext => {
  const { region, endpoints } = config;
  const lambda = createLambdaClient({ region, ...(endpoints.lambda === undefined ? {} : { endpoint: endpoints.lambda }) });
  const sqs = createSqsClient({ region, ...(endpoints.sqs === undefined ? {} : { endpoint: endpoints.sqs }) });
  const s3 = createS3Client({ region, ...(endpoints.s3 === undefined ? {} : { endpoint: endpoints.s3 }) });
  return {
    credentials: new CachedCredentialsClient(new LambdaBrokerTransport(lambda, config.credentialsBrokerFunction)),
    publisher: new SqsEventPublisher(sqs, {
      'inbound-events': config.inboundEventsQueueUrl,
      'status-events': config.statusEventsQueueUrl,
    }),
    blobs: new S3BlobStore(s3, config.bucketName),
    clock: systemClock,
    logger: createLogger({ level: config.logLevel, base: { service: 'webhook-receiver' } }),
    limits: { maxBodyBytes: config.maxBodyBytes },
  };
};

let dependencies: ReceiverContext | undefined;

/** Built on first use, then reused by every invocation of this container (clients keep their connections). */
export const getDependencies = (): ReceiverContext => {
  dependencies ??= buildDependencies(loadConfig());
  return dependencies;
};
