import { createLambdaClient, createSqsClient } from '@wagw/aws/clients';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import { systemClock } from '@wagw/core/ports';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import type { Logger } from '@wagw/runtime/logger';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import type { InboundWriterConfig } from './config';
import type { InboundWriterDependencies } from './inbound-writer-dependencies';

/**
 * Composition root: config → real adapters, built once per Lambda container so that tenant pools,
 * broker answers and HTTP connections are reused across invocations.
 */
export const createDependencies = (
  config: InboundWriterConfig,
  logger: Logger,
): InboundWriterDependencies & { closeConnections(): Promise<void> } => {
  const region = config.AWS_REGION;
  const credentials = new CachedCredentialsClient(
    new LambdaBrokerTransport(
      createLambdaClient({ endpoint: config.AWS_ENDPOINT_URL_LAMBDA ?? config.AWS_ENDPOINT_URL, region }),
      config.CREDENTIALS_BROKER_FUNCTION,
    ),
  );
  const pools = new PooledTenantStores({
    settingsFor: (tenantId) => credentials.getTenantDatabase(tenantId),
    idleMs: config.TENANT_DB_IDLE_SECONDS * 1000,
    logger,
  });
  const publisher = new SqsEventPublisher(createSqsClient({ endpoint: config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL, region }), {
    'media-jobs': config.MEDIA_JOBS_QUEUE_URL,
  });
  return {
    stores: new FailFastTenantStores(pools, { clock: systemClock }),
    publisher,
    clock: systemClock,
    closeConnections: () => pools.closeAll(),
  };
};
