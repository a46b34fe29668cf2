import { setTimeout as sleep } from 'node:timers/promises';
import { createLambdaClient, createSqsClient } from '@wagw/aws/clients';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import type { OutboundMessageStore } from '@wagw/core/ports';
import { systemClock } from '@wagw/core/ports';
import { CachedCredentialsClient } from '@wagw/credentials/cached-credentials-client';
import { LambdaBrokerTransport } from '@wagw/credentials/lambda-broker-transport';
import type { Logger } from '@wagw/runtime/logger';
import { FailFastTenantStores } from '@wagw/tenant-db/fail-fast-tenant-stores';
import { PooledTenantStores } from '@wagw/tenant-db/pooled-tenant-stores';
import type { CollectorDependencies } from './collector-dependencies';
import type { OutboundCollectorConfig } from './config';
import { LambdaTenantRunLauncher } from './lambda-tenant-run-launcher';

/**
 * Composition root: config → real adapters, built once per Lambda container so that tenant pools,
 * broker answers and HTTP connections are reused across invocations.
 */
export const createDependencies = (
  config: OutboundCollectorConfig,
  logger: Logger,
): CollectorDependencies & { closeConnections(): Promise<void> } => {
  const region = config.AWS_REGION;
  const lambda = createLambdaClient({ endpoint: config.AWS_ENDPOINT_URL_LAMBDA ?? config.AWS_ENDPOINT_URL, region });
  const credentials = new CachedCredentialsClient(new LambdaBrokerTransport(lambda, config.CREDENTIALS_BROKER_FUNCTION));
  const pools = new PooledTenantStores({
    settingsFor: (tenantId) => credentials.getTenantDatabase(tenantId),
    idleMs: config.TENANT_DB_IDLE_SECONDS * 1000,
    logger,
  });
  const publisher = new SqsEventPublisher(createSqsClient({ endpoint: config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL, region }), {
    'outbound-messages': config.OUTBOUND_MESSAGES_QUEUE_URL,
  });
  return {
    credentials,
    stores: new FailFastTenantStores<OutboundMessageStore>(pools, { clock: systemClock }),
    publisher,
    launcher: new LambdaTenantRunLauncher(lambda, config.OUTBOUND_COLLECTOR_FUNCTION),
    clock: systemClock,
    sleep: (ms) => sleep(ms),
    logger,
    settings: {
      runSeconds: config.COLLECTOR_RUN_SECONDS,
      batchSize: config.COLLECTOR_BATCH_SIZE,
      leaseSeconds: config.OUTBOUND_LEASE_SECONDS,
      maxAttempts: config.OUTBOUND_MAX_ATTEMPTS,
      reapGraceSeconds: config.OUTBOUND_REAP_GRACE_SECONDS,
      idleMinMs: config.COLLECTOR_IDLE_MIN_MS,
      idleMaxMs: config.COLLECTOR_IDLE_MAX_MS,
    },
    closeConnections: () => pools.closeAll(),
  };
};
