import type { QueueRole } from '@wagw/contracts';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { FunctionRole } from './functions';
import type { GatewayQueue } from './queues';
import type { StageConfig } from './stage-config';

/**
 * Schema keys a deployed function is not given: Lambda sets AWS_REGION itself (it is a reserved
 * variable), and the endpoint overrides and the config file exist for local mode only.
 */
export const LAMBDA_PROVIDED_KEYS: readonly string[] = ['AWS_REGION'];
export const LOCAL_ONLY_KEYS: readonly string[] = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_LAMBDA',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'GATEWAY_CONFIG',
];

/** Set on every function for Node itself, not read by the services' config. */
export const NODE_RUNTIME_ENV: Readonly<Record<string, string>> = { NODE_OPTIONS: '--enable-source-maps' };

/** The services' tuning as deployed: their documented defaults, written out so the template says what runs. */
export const SERVICE_TUNING = {
  TENANT_DB_IDLE_SECONDS: '300',
  MAX_BODY_BYTES: String(3.5 * 1024 * 1024),
  MEDIA_MAX_BYTES: String(100 * 1024 * 1024),
  MEDIA_TIMEOUT_MS: '15000',
  CACHE_TTL_SECONDS: '60',
  SEND_TIMEOUT_MS: '10000',
  MEDIA_UPLOAD_TIMEOUT_MS: '30000',
  RETRY_BASE_SECONDS: '2',
  RETRY_MAX_SECONDS: '300',
  COLLECTOR_RUN_SECONDS: '50',
  COLLECTOR_BATCH_SIZE: '100',
  OUTBOUND_LEASE_SECONDS: '600',
  OUTBOUND_MAX_ATTEMPTS: '5',
  OUTBOUND_REAP_GRACE_SECONDS: '3600',
  COLLECTOR_IDLE_MIN_MS: '100',
  COLLECTOR_IDLE_MAX_MS: '2000',
} as const;

export interface EnvironmentSources {
  config: StageConfig;
  queues: Readonly<Record<QueueRole, GatewayQueue>>;
  bucket: Bucket;
  /** Function names (set explicitly, so a function may name another without a reference cycle). */
  names: Readonly<Record<FunctionRole, string>>;
}

/** Each function's variables: exactly the keys its config schema reads in AWS (a test compares them). */
export const functionEnvironments = ({ config, queues, bucket, names }: EnvironmentSources): Record<FunctionRole, Record<string, string>> => {
  const url = (role: QueueRole): string => queues[role].queue.queueUrl;
  const common = { LOG_LEVEL: config.LOG_LEVEL };
  const broker = { CREDENTIALS_BROKER_FUNCTION: names['credentials-broker'] };
  const t = SERVICE_TUNING;
  return {
    'webhook-receiver': {
      INBOUND_EVENTS_QUEUE_URL: url('inbound-events'),
      STATUS_EVENTS_QUEUE_URL: url('status-events'),
      BUCKET_NAME: bucket.bucketName,
      ...broker,
      MAX_BODY_BYTES: t.MAX_BODY_BYTES,
      ...common,
    },
    'webhook-media': {
      INBOUND_EVENTS_QUEUE_URL: url('inbound-events'),
      BUCKET_NAME: bucket.bucketName,
      ...broker,
      MEDIA_MAX_BYTES: t.MEDIA_MAX_BYTES,
      // Delivery 5 records the failure instead of throwing; delivery 6 is spare, in case publishing it failed.
      MEDIA_MAX_ATTEMPTS: String(queues['media-jobs'].maxReceiveCount - 1),
      // Only the providers' own media hosts (none besides them in AWS).
      MEDIA_ALLOWED_HOSTS: '',
      MEDIA_TIMEOUT_MS: t.MEDIA_TIMEOUT_MS,
      ...common,
    },
    'inbound-writer': {
      MEDIA_JOBS_QUEUE_URL: url('media-jobs'),
      ...broker,
      TENANT_DB_IDLE_SECONDS: t.TENANT_DB_IDLE_SECONDS,
      ...common,
    },
    'outbound-collector': {
      OUTBOUND_MESSAGES_QUEUE_URL: url('outbound-messages'),
      ...broker,
      OUTBOUND_COLLECTOR_FUNCTION: names['outbound-collector'],
      COLLECTOR_RUN_SECONDS: t.COLLECTOR_RUN_SECONDS,
      COLLECTOR_BATCH_SIZE: t.COLLECTOR_BATCH_SIZE,
      OUTBOUND_LEASE_SECONDS: t.OUTBOUND_LEASE_SECONDS,
      OUTBOUND_MAX_ATTEMPTS: t.OUTBOUND_MAX_ATTEMPTS,
      OUTBOUND_REAP_GRACE_SECONDS: t.OUTBOUND_REAP_GRACE_SECONDS,
      COLLECTOR_IDLE_MIN_MS: t.COLLECTOR_IDLE_MIN_MS,
      COLLECTOR_IDLE_MAX_MS: t.COLLECTOR_IDLE_MAX_MS,
      TENANT_DB_IDLE_SECONDS: t.TENANT_DB_IDLE_SECONDS,
      ...common,
    },
    'message-sender': {
      STATUS_EVENTS_QUEUE_URL: url('status-events'),
      OUTBOUND_MESSAGES_QUEUE_URL: url('outbound-messages'),
      BUCKET_NAME: bucket.bucketName,
      ...broker,
      SEND_TIMEOUT_MS: t.SEND_TIMEOUT_MS,
      MEDIA_UPLOAD_TIMEOUT_MS: t.MEDIA_UPLOAD_TIMEOUT_MS,
      RETRY_BASE_SECONDS: t.RETRY_BASE_SECONDS,
      SEND_MAX_RECEIVES: String(queues['outbound-messages'].maxReceiveCount),
      RETRY_MAX_SECONDS: t.RETRY_MAX_SECONDS,
      ...common,
    },
    'status-saver': {
      STATUS_EVENTS_QUEUE_URL: url('status-events'),
      ...broker,
      TENANT_DB_IDLE_SECONDS: t.TENANT_DB_IDLE_SECONDS,
      ...common,
    },
    'credentials-broker': {
      SECRETS_SOURCE: 'secrets-manager',
      SECRETS_PREFIX: config.secretsPrefix,
      CACHE_TTL_SECONDS: t.CACHE_TTL_SECONDS,
      ...common,
    },
  };
};
