import type { QueueRole } from '@wagw/contracts';

export const CREDENTIALS_BROKER_FUNCTION = 'credentials-broker';
export const LOCAL_ADMIN_FUNCTION = 'local-admin';
export const LOCAL_REGION = 'us-east-1';

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
}

/**
 * The environment Lambda would give the services (the union of their config.ts keys), pointed at
 * local endpoints: SQS and S3 at the emulator, Lambda Invoke at the local invoke server.
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
  BUCKET_NAME: input.bucket,
  CREDENTIALS_BROKER_FUNCTION,
  SECRETS_SOURCE: 'file',
  GATEWAY_CONFIG: input.configPath,
  MEDIA_ALLOWED_HOSTS: input.sandboxHost,
  LOG_LEVEL: input.logLevel,
});
