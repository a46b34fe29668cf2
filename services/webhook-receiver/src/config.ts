import { awsEndpoints, commonEnv, envField, parseEnv } from '@wagw/runtime/env';
import type { AwsEndpoints, EnvSource } from '@wagw/runtime/env';
import * as z from 'zod/mini';

/** Meta allows up to 3 MB; the margin covers encoding overhead and future growth. */
export const DEFAULT_MAX_BODY_BYTES = 3.5 * 1024 * 1024;

export const ReceiverConfigSchema = z.object({
  INBOUND_EVENTS_QUEUE_URL: envField.url(),
  STATUS_EVENTS_QUEUE_URL: envField.url(),
  BUCKET_NAME: envField.text(),
  CREDENTIALS_BROKER_FUNCTION: envField.text(),
  MAX_BODY_BYTES: envField.integerOr(DEFAULT_MAX_BODY_BYTES),
  ...commonEnv,
});

export interface ReceiverConfig {
  inboundEventsQueueUrl: string;
  statusEventsQueueUrl: string;
  bucketName: string;
  credentialsBrokerFunction: string;
  logLevel: string;
  region: string;
  /** Custom endpoints (fauxqs, the local broker); a per-service variable wins over AWS_ENDPOINT_URL. */
  endpoints: AwsEndpoints;
  maxBodyBytes: number;
}

/** The webhook HTTP function's configuration; throws ConfigError naming every bad key at once. */
export const loadConfig = (env: EnvSource = process.env): ReceiverConfig => {
  const parsed = parseEnv(ReceiverConfigSchema, env);
  return {
    inboundEventsQueueUrl: parsed.INBOUND_EVENTS_QUEUE_URL,
    statusEventsQueueUrl: parsed.STATUS_EVENTS_QUEUE_URL,
    bucketName: parsed.BUCKET_NAME,
    credentialsBrokerFunction: parsed.CREDENTIALS_BROKER_FUNCTION,
    logLevel: parsed.LOG_LEVEL,
    region: parsed.AWS_REGION,
    endpoints: awsEndpoints(parsed),
    maxBodyBytes: parsed.MAX_BODY_BYTES,
  };
};
