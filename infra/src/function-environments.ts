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
