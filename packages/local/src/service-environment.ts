import type { QueueRole } from '@wagw/contracts';

export const CREDENTIALS_BROKER_FUNCTION = 'credentials-broker';
export const LOCAL_ADMIN_FUNCTION = 'local-admin';
export const OUTBOUND_COLLECTOR_FUNCTION = 'outbound-collector';
export const LOCAL_REGION = 'us-east-1';

/**
 * How often local mode's schedule starts the collector, and how long each per-tenant run polls: the
 * same, so a tenant has one run at a time (AWS: every minute, 50 s runs). Shorter than in AWS so a
 * stop() or a config change is never far away.
 */
export const LOCAL_COLLECTOR_INTERVAL_SECONDS = 5;

/**
 * The outbound services' tuning, as infra sets it (the values are the services' documented defaults),
 * written out so local mode runs with every variable the Lambda functions get. Tests override single
 * values through `options.environment`.
 */
export const OUTBOUND_TUNING: Readonly<Record<string, string>> = {
  COLLECTOR_BATCH_SIZE: '100',
  OUTBOUND_LEASE_SECONDS: '600',
  OUTBOUND_MAX_ATTEMPTS: '5',
  COLLECTOR_IDLE_MIN_MS: '100',
  COLLECTOR_IDLE_MAX_MS: '2000',
  TENANT_DB_IDLE_SECONDS: '300',
  SEND_TIMEOUT_MS: '10000',
  MEDIA_UPLOAD_TIMEOUT_MS: '30000',
  RETRY_BASE_SECONDS: '2',
  RETRY_MAX_SECONDS: '300',
};

export interface ServiceEnvironmentInput {
  emulatorEndpoint: string;
  lambdaEndpoint: string;
  queueUrls: Record<QueueRole, string>;
  bucket: string;
  /** Absolute path of the GatewayConfigV1 file the broker reads. */
  configPath: string;
  /** `host:port` of the provider sandbox: the only host media may be fetched from locally. */
  sandboxHost: string;
  logLevel: string;
  /** COLLECTOR_RUN_SECONDS; default LOCAL_COLLECTOR_INTERVAL_SECONDS (one run per tenant at a time). */
  collectorRunSeconds?: number;
}

/**
 * The environment Lambda would give the services (the union of their config.ts keys), pointed at
 * local endpoints: SQS and S3 at the emulator, Lambda Invoke at the local invoke server. The
 * collector's run length follows the local schedule instead of the AWS one.
 */
export const serviceEnvironment = (input: ServiceEnvironmentInput): Record<string, string> => ({
  AWS_REGION: LOCAL_REGION,
  AWS_ENDPOINT_URL: input.emulatorEndpoint,
  AWS_ENDPOINT_URL_SQS: input.emulatorEndpoint,
  AWS_ENDPOINT_URL_S3: input.emulatorEndpoint,
  AWS_ENDPOINT_URL_LAMBDA: input.lambdaEndpoint,
  INBOUND_EVENTS_QUEUE_URL: input.queueUrls['inbound-events'],
  STATUS_EVENTS_QUEUE_URL: input.queueUrls['status-events'],
  MEDIA_JOBS_QUEUE_URL: input.queueUrls['media-jobs'],
  OUTBOUND_MESSAGES_QUEUE_URL: input.queueUrls['outbound-messages'],
  BUCKET_NAME: input.bucket,
  CREDENTIALS_BROKER_FUNCTION,
  OUTBOUND_COLLECTOR_FUNCTION,
  COLLECTOR_RUN_SECONDS: String(input.collectorRunSeconds ?? LOCAL_COLLECTOR_INTERVAL_SECONDS),
  ...OUTBOUND_TUNING,
  SECRETS_SOURCE: 'file',
  GATEWAY_CONFIG: input.configPath,
  MEDIA_ALLOWED_HOSTS: input.sandboxHost,
  LOG_LEVEL: input.logLevel,
});
