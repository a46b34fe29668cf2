import { createLambdaClient, createSqsClient } from '@wagw/aws/clients';
import { SqsQueueReader } from '@wagw/aws/sqs-queue-reader';
import { systemClock, type StatusStore } from '@wagw/core/ports';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import type { Logger } from '@wagw/runtime/logger';
import type { RetryBackoff } from '@wagw/runtime/sqs-fifo-batch';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import type { StatusSaverConfig } from './config';
import { statusRetryBackoff, TENANT_DB_RETRY } from './retry-delay';
import type { StatusSaverDependencies } from './status-saver-dependencies';

/**
 * Composition root: config → real adapters, built once per Lambda container so that tenant pools and
 * broker answers are reused across invocations.
 */
export const createDependencies = (
  config: StatusSaverConfig,
  logger: Logger,
): StatusSaverDependencies & { retryBackoff: RetryBackoff; closeConnections(): Promise<void> } => {
  const credentials = new CachedCredentialsClient(
    new LambdaBrokerTransport(
      createLambdaClient({ endpoint: config.AWS_ENDPOINT_URL_LAMBDA ?? config.AWS_ENDPOINT_URL, region: config.AWS_REGION }),
      config.CREDENTIALS_BROKER_FUNCTION,
    ),
  );
  const pools = new PooledTenantStores({
    settingsFor: (tenantId) => credentials.getTenantDatabase(tenantId),
    idleMs: config.TENANT_DB_IDLE_SECONDS * 1000,
    logger,
  });
  const queue = new SqsQueueReader(createSqsClient({ endpoint: config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL, region: config.AWS_REGION }));
  return {
    stores: new FailFastTenantStores<StatusStore>(pools, { clock: systemClock }),
    clock: systemClock,
    retryBackoff: statusRetryBackoff({ ...TENANT_DB_RETRY, random: Math.random }, (receiptHandle, seconds) =>
      queue.changeVisibility(config.STATUS_EVENTS_QUEUE_URL, receiptHandle, seconds),
    ),
    closeConnections: () => pools.closeAll(),
  };
};
