import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrokerResponseV1, QueueRole } from '@wagw/contracts';
import { GatewayConfigV1 } from '@wagw/contracts';
import { ConfigError } from '@wagw/core/errors';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import type { MigrationResult } from '@wagw/tenant-db/migration';
import { startApiGatewayAdapter } from './api-gateway-adapter';
import type { ApiGatewayAdapter, HttpApiHandler } from './api-gateway-adapter';
import { applyServiceEnvironment, inheritedLogLevel } from './config';
import { GATEWAY_QUEUES, createGatewayResources } from '@wagw/emulator/gateway-resources';
import type { GatewayQueueOverrides } from '@wagw/emulator/gateway-resources';
import { startEmulator } from '@wagw/emulator/start-emulator';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { startLambdaInvokeServer } from './lambda-invoke-server';
import type { LambdaInvokeServer } from './lambda-invoke-server';
import { createLocalAdminFunction } from './local-admin';
import type { LocalEndpoints } from './local-endpoints';
import { errorFields, silentLogger } from './local-logger';
import type { LocalLogger } from './local-logger';
import { resolveDatabaseSettings, withResolvedPglitePaths } from './pglite-paths';
import { startProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { ProviderSandbox } from '@wagw/provider-sandbox/provider-sandbox';
import type { StatusWebhookSettings } from '@wagw/provider-sandbox/provider-sandbox';
import type { InvokableFunction } from './lambda-invoke-server';
import { LocalSchedule } from './local-schedule';
import { LambdaQueuePoller, functionTimeoutWithin } from './queue-poller';
import type { SqsLambdaHandler } from './queue-poller';
import { sandboxTokensFrom, statusWebhookSecretsFrom, watchedGatewayConfig, whapiChannelsFrom } from './sandbox-settings';
import {
  CREDENTIALS_BROKER_FUNCTION,
  LOCAL_ADMIN_FUNCTION,
  LOCAL_COLLECTOR_INTERVAL_SECONDS,
  LOCAL_REGION,
  OUTBOUND_COLLECTOR_FUNCTION,
  serviceEnvironment,
} from './service-environment';

/** Where the Meta/Whapi stand-in listens by default; the demo config's graphBaseUrl points here. */
export const DEFAULT_SANDBOX_PORT = 4010;
export const LOCAL_BUCKET = 'wagw-local';

export interface LocalPollerSettings {
  batchSize?: number;
  waitTimeSeconds?: number;
  concurrency?: number;
  functionTimeoutMs?: number;
}

export interface LocalGatewayOptions {
  /** HTTP API port; 0 picks a free one. */
  port: number;
  /** The GatewayConfigV1 file (GATEWAY_CONFIG). The broker re-reads it when it changes. */
  configPath: string;
  /** Emulator state, relative PGlite directories and endpoints.json live here; kept across restarts. */
  stateDir: string;
  /** Provider sandbox port; default 4010 (0 picks a free one). */
  sandboxPort?: number;
  /** Emulator port; default 0 (any free port; queue URLs are rebuilt on each start). */
  emulatorPort?: number;
  logger?: LocalLogger;
  /** LOG_LEVEL for the services; default: the inherited LOG_LEVEL, else 'info'. */
  logLevel?: string;
  /** Per-function poller settings (inbound-writer, webhook-media, message-sender, status-saver). */
  pollers?: Partial<Record<LocalFunctionName, LocalPollerSettings>>;
  /**
   * The outbound collector's schedule: a tick every `intervalSeconds` (default 5), each per-tenant
   * run polling as long (COLLECTOR_RUN_SECONDS, unless `environment` sets it). `enabled: false`
   * starts no schedule (a test then drives the collector itself).
   */
  collectorSchedule?: { intervalSeconds?: number; enabled?: boolean };
  /**
   * How the sandbox posts status webhooks back (delays, shuffling, duplicates…); the receiver URL and
   * the secrets come from the running gateway and its config.
   */
  statusWebhooks?: LocalStatusWebhookSettings;
  /** Seed of the sandbox's fault PRNG (probability faults), for a reproducible run. */
  sandboxSeed?: number;
  /** Extra environment for the services (applied last), e.g. MEDIA_MAX_ATTEMPTS. */
  environment?: Record<string, string>;
  /** Per-queue retry settings instead of the defaults (e.g. a short cycle to see a DLQ in tests). */
  queues?: GatewayQueueOverrides;
}

/** The status webhook behaviour a caller may choose; local mode supplies the receiver URL and the secrets. */
export type LocalStatusWebhookSettings = Omit<Partial<StatusWebhookSettings>, 'receiverUrl' | 'metaAppSecretFor' | 'whapiWebhookSecretFor'>;

export type LocalFunctionName = 'inbound-writer' | 'webhook-media' | 'message-sender' | 'status-saver';

/** The queue each local function consumes, as its event source mapping would. */
export const LOCAL_FUNCTION_QUEUES: Readonly<Record<LocalFunctionName, QueueRole>> = {
  'inbound-writer': 'inbound-events',
  'webhook-media': 'media-jobs',
  'message-sender': 'outbound-messages',
  'status-saver': 'status-events',
};

/**
 * Batches in flight at once per function unless the caller says otherwise, like an event source
 * mapping's concurrency: the sender waits on provider round trips, so several conversations (FIFO
 * groups) are sent in parallel; FIFO keeps each group in one batch at a time.
 */
const DEFAULT_CONCURRENCY: Readonly<Record<LocalFunctionName, number>> = {
  'inbound-writer': 1,
  'webhook-media': 1,
  'message-sender': 4,
  'status-saver': 2,
};

/**
 * A function's poller settings: the caller's, over these defaults. The media function takes one job
 * per invocation, so a long download never keeps other jobs in flight until the timeout. The function
 * timeout is always below the queue's visibility timeout: a timed-out batch would otherwise run
 * beside its own redelivery.
 */
export const localPollerSettings = (
  functionName: LocalFunctionName,
  settings: LocalPollerSettings = {},
  queues: GatewayQueueOverrides = {},
): LocalPollerSettings & { batchSize: number; concurrency: number; functionTimeoutMs: number } => {
  const role = LOCAL_FUNCTION_QUEUES[functionName];
  const timeoutLimitMs = functionTimeoutWithin(queues[role]?.visibilityTimeoutSeconds ?? GATEWAY_QUEUES[role].visibilityTimeoutSeconds);
  return {
    ...settings,
    batchSize: settings.batchSize ?? (functionName === 'webhook-media' ? 1 : 10),
    concurrency: settings.concurrency ?? DEFAULT_CONCURRENCY[functionName],
    functionTimeoutMs: Math.min(settings.functionTimeoutMs ?? timeoutLimitMs, timeoutLimitMs),
  };
};

export interface TenantMigration {
  tenantId: string;
  result?: MigrationResult;
  error?: string;
}

export interface LocalGateway {
  /** The HTTP API (webhooks, /health). */
  url: string;
  queueUrls: Record<QueueRole, string>;
  dlqUrls: Record<QueueRole, string>;
  bucket: string;
  emulatorEndpoint: string;
  /** Lambda Invoke endpoint serving `credentials-broker` (and `local-admin` for the CLI). */
  lambdaEndpoint: string;
  sandbox: ProviderSandbox;
  pollers: Record<LocalFunctionName, LambdaQueuePoller>;
  /** The outbound collector's schedule (undefined when disabled). */
  collectorSchedule: LocalSchedule | undefined;
  /**
   * Stops the collector schedule and waits for the per-tenant runs in progress, so no row is leased
   * until resumeCollector(). Their Lambda remaining time is cut to zero; a run that reads it only at
   * its start still polls until COLLECTOR_RUN_SECONDS is over. Tests use it to stage rows first.
   */
  pauseCollector(): Promise<void>;
  resumeCollector(): void;
  /** Changes how the sandbox posts status webhooks (shuffling, duplicates, delays…); receiver and secrets stay. */
  configureStatusWebhooks(settings: LocalStatusWebhookSettings): void;
  /** Invocations per function through the Lambda Invoke endpoint (broker, collector fan-out runs…). */
  functionInvocations: Readonly<Record<string, number>>;
  /** Invocations of the webhook receiver through the HTTP API. */
  httpInvocations(): number;
  migrations: TenantMigration[];
  /** What the ops CLI needs, as written to `<stateDir>/endpoints.json` by `pnpm start`. */
  endpoints: LocalEndpoints;
  /** Stops everything, newest first; resolves when every part has stopped. */
  stop(): Promise<void>;
}

type BrokerHandler = (event: unknown) => Promise<BrokerResponseV1>;

const readGatewayConfig = async (configPath: string): Promise<GatewayConfigV1> => {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`GATEWAY_CONFIG ${configPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`GATEWAY_CONFIG ${configPath} is not valid JSON`);
  }
  const parsed = GatewayConfigV1.safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: zod issues do not carry the offending values.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`GATEWAY_CONFIG ${configPath} does not match GatewayConfigV1: ${problems.join('; ')}`);
  }
  return parsed.data;
};

let running = false;
/**
 * Ports of the previous gateway in this process. The services keep the clients they built on first
 * use (as in a warm Lambda container), so a restart in the same process must reuse the endpoints.
 */
const previousPorts: { emulator?: number; lambda?: number } = {};

/**
 * Local mode: the whole gateway on one machine. fauxqs (SQS + S3) in a child process, the provider
 * sandbox, the credentials broker and the outbound collector behind a local Lambda Invoke endpoint,
 * the webhook receiver behind an API Gateway v2 adapter, queue pollers that drive the writer, the
 * media function, the sender and the status-saver as Lambda event source mappings would, and a
 * schedule that starts the collector as EventBridge Scheduler would. The handlers are the real ones,
 * imported after the environment Lambda would give them has been set; only the endpoints differ from AWS.
 *
 * One gateway per process: the services keep module-level state (clients, pools) built from their
 * environment on first use, as they do in a Lambda container.
 */
export const startLocalGateway = async (options: LocalGatewayOptions): Promise<LocalGateway> => {
  if (running) throw new Error('a local gateway is already running in this process');
  running = true;
  const logger = options.logger ?? silentLogger;
  const stateDir = resolve(options.stateDir);
  const configPath = resolve(options.configPath);
  const stack: { name: string; stop: () => Promise<void> }[] = [];

  const stopAll = async (): Promise<void> => {
    while (stack.length > 0) {
      const part = stack.pop()!;
      try {
        await part.stop();
      } catch (error) {
        logger.error({ ...errorFields(error), part: part.name }, 'stop failed');
      }
    }
    running = false;
  };

  try {
    const config = await readGatewayConfig(configPath);
    await mkdir(stateDir, { recursive: true });

    const emulator: RunningEmulator = await startEmulator({ port: options.emulatorPort ?? previousPorts.emulator ?? 0, dataDir: join(stateDir, 'emulator') });
    stack.push({ name: 'emulator', stop: () => emulator.stop() });
    const sqs = createSqsClient({ endpoint: emulator.endpoint });
    const s3 = createS3Client({ endpoint: emulator.endpoint });
    stack.push({
      name: 'aws-clients',
      stop: async () => {
        sqs.destroy();
        s3.destroy();
      },
    });
    const resources = await createGatewayResources({ sqs, s3, bucket: LOCAL_BUCKET, ...(options.queues === undefined ? {} : { overrides: options.queues }) });
    logger.info({ endpoint: emulator.endpoint }, 'emulator ready (SQS + S3)');

    const currentConfig = watchedGatewayConfig(configPath, config);
    const sandbox = await startProviderSandbox({
      port: options.sandboxPort ?? DEFAULT_SANDBOX_PORT,
      tokens: sandboxTokensFrom(currentConfig),
      whapiChannels: whapiChannelsFrom(currentConfig),
      ...(options.sandboxSeed === undefined ? {} : { seed: options.sandboxSeed }),
    });
    stack.push({ name: 'provider-sandbox', stop: () => sandbox.close() });

    // The broker reads only its own variables, so it can be imported before the invoke endpoint exists.
    applyServiceEnvironment({ SECRETS_SOURCE: 'file', GATEWAY_CONFIG: configPath, LOG_LEVEL: options.logLevel ?? inheritedLogLevel() ?? 'info' });
    const brokerModule = await import('@wagw/credentials-broker/handler');
    const broker: BrokerHandler = withResolvedPglitePaths(brokerModule.handler, stateDir);
    const lambda: LambdaInvokeServer = await startLambdaInvokeServer({
      port: previousPorts.lambda ?? 0,
      functions: { [CREDENTIALS_BROKER_FUNCTION]: broker, [LOCAL_ADMIN_FUNCTION]: createLocalAdminFunction({ broker }) },
      logger,
    });
    stack.push({ name: 'lambda-invoke-server', stop: () => lambda.close() });
    previousPorts.emulator = emulator.port;
    previousPorts.lambda = lambda.port;

    const migrations: TenantMigration[] = [];
    for (const tenant of config.tenants) {
      try {
        const result = await migrateTenantDatabase(resolveDatabaseSettings(tenant.database, stateDir), { tenantId: tenant.tenantId });
        migrations.push({ tenantId: tenant.tenantId, result });
        logger.info({ tenantId: tenant.tenantId, engine: tenant.database.engine, applied: result.applied }, 'tenant database migrated');
      } catch (error) {
        // One tenant's database being down must not keep the others from working; its events retry.
        migrations.push({ tenantId: tenant.tenantId, error: error instanceof Error ? error.message : String(error) });
        logger.error({ ...errorFields(error), tenantId: tenant.tenantId }, 'tenant database migration failed');
      }
    }

    const scheduleSeconds = options.collectorSchedule?.intervalSeconds ?? LOCAL_COLLECTOR_INTERVAL_SECONDS;
    applyServiceEnvironment({
      ...serviceEnvironment({
        emulatorEndpoint: emulator.endpoint,
        lambdaEndpoint: lambda.endpoint,
        queueUrls: resources.queueUrls,
        bucket: resources.bucket,
        configPath,
        sandboxHost: new URL(sandbox.url).host,
        logLevel: options.logLevel ?? inheritedLogLevel() ?? 'info',
        collectorRunSeconds: scheduleSeconds,
      }),
      ...options.environment,
    });
    const [receiver, writer, media, collector, sender, saver] = await Promise.all([
      import('@wagw/webhook-receiver/handler'),
      import('@wagw/inbound-writer/handler'),
      import('@wagw/webhook-receiver/media-handler'),
      import('@wagw/outbound-collector/handler'),
      import('@wagw/message-sender/handler'),
      import('@wagw/status-saver/handler'),
    ]);

    // A per-tenant run polls for COLLECTOR_RUN_SECONDS; its function timeout leaves it room to finish.
    const collectorRunMs = Number(options.environment?.COLLECTOR_RUN_SECONDS ?? scheduleSeconds) * 1000;
    lambda.addFunction(OUTBOUND_COLLECTOR_FUNCTION, collector.handler as InvokableFunction, collectorRunMs + 10_000);

    // Stopped after every poller and the schedule (the stack unwinds newest first): nothing uses a pool by then.
    stack.push({
      name: 'tenant-pools',
      stop: async () => {
        const closed = await Promise.allSettled([writer.closeConnections(), collector.closeConnections(), sender.closeConnections(), saver.closeConnections()]);
        const failed = closed.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
      },
    });
    // Collector runs a caller invoked itself (no schedule) end here at the latest, before the pools close.
    stack.push({ name: 'collector-runs', stop: () => lambda.drain({ cutShort: true }) });

    const pollerFor = (functionName: LocalFunctionName, handler: SqsLambdaHandler): LambdaQueuePoller =>
      new LambdaQueuePoller({
        sqs,
        queueUrl: resources.queueUrls[LOCAL_FUNCTION_QUEUES[functionName]],
        handler,
        functionName,
        region: LOCAL_REGION,
        logger,
        ...localPollerSettings(functionName, options.pollers?.[functionName], options.queues),
      });
    const pollers: Record<LocalFunctionName, LambdaQueuePoller> = {
      'inbound-writer': pollerFor('inbound-writer', writer.handler as SqsLambdaHandler),
      'webhook-media': pollerFor('webhook-media', media.handler as SqsLambdaHandler),
      'status-saver': pollerFor('status-saver', saver.handler as SqsLambdaHandler),
      'message-sender': pollerFor('message-sender', sender.handler as SqsLambdaHandler),
    };
    const startPoller = async (name: LocalFunctionName): Promise<void> => {
      await pollers[name].start();
      stack.push({ name: `poller:${name}`, stop: () => pollers[name].stop() });
    };
    // Consumers first, then the HTTP API, then what produces outbound work: every stop() drains in reverse.
    for (const name of ['inbound-writer', 'webhook-media', 'status-saver'] as const) await startPoller(name);

    const http: ApiGatewayAdapter = await startApiGatewayAdapter({
      handler: receiver.handler as HttpApiHandler,
      port: options.port,
      functionName: 'webhook-receiver',
      logger,
    });
    stack.push({ name: 'http-api', stop: () => http.close() });
    // Receipts for what the sender sends go to this gateway, signed as the providers would sign them.
    const configureStatusWebhooks = (settings: LocalStatusWebhookSettings = {}): void =>
      sandbox.configureStatusWebhooks({
        onWebhookError: (error) => logger.warn({ ...error }, 'status webhook given up'),
        ...settings,
        receiverUrl: http.url,
        ...statusWebhookSecretsFrom(currentConfig),
      });
    configureStatusWebhooks(options.statusWebhooks);

    await startPoller('message-sender');
    let collectorSchedule: LocalSchedule | undefined;
    if (options.collectorSchedule?.enabled !== false) {
      const schedule = new LocalSchedule({
        name: 'outbound-collector-schedule',
        functionName: OUTBOUND_COLLECTOR_FUNCTION,
        handler: collector.handler as InvokableFunction,
        intervalSeconds: scheduleSeconds,
        region: LOCAL_REGION,
        logger,
      });
      schedule.start();
      collectorSchedule = schedule;
      stack.push({
        name: 'outbound-schedule',
        stop: async () => {
          await schedule.stop();
          // The per-tenant runs it fanned out are asynchronous invocations: end them before the pools close.
          await lambda.drain({ cutShort: true });
        },
      });
    }

    const endpoints: LocalEndpoints = {
      url: http.url,
      emulatorEndpoint: emulator.endpoint,
      lambdaEndpoint: lambda.endpoint,
      sandboxUrl: sandbox.url,
      queueUrls: resources.queueUrls,
      dlqUrls: resources.dlqUrls,
      bucket: resources.bucket,
      configPath,
      stateDir,
      pid: process.pid,
    };
    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      queueUrls: resources.queueUrls,
      dlqUrls: resources.dlqUrls,
      bucket: resources.bucket,
      emulatorEndpoint: emulator.endpoint,
      lambdaEndpoint: lambda.endpoint,
      sandbox,
      pollers,
      collectorSchedule,
      pauseCollector: async () => {
        await collectorSchedule?.stop();
        await lambda.drain({ cutShort: true });
      },
      resumeCollector: () => collectorSchedule?.start(),
      configureStatusWebhooks,
      functionInvocations: lambda.invocations,
      httpInvocations: () => http.counters.invocations,
      migrations,
      endpoints,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
