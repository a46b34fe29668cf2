import { hostOf } from '@wagw/providers/media/host-policy';
import { DEFAULT_MEDIA_TIMEOUT_MS } from '@wagw/providers/media/media-client';
import { DEFAULT_MEDIA_MAX_BYTES } from '@wagw/providers/media/media-size-limits';
import { awsEndpoints, commonEnv, envField, parseEnv } from '@wagw/runtime/env';
import type { AwsEndpoints, EnvSource } from '@wagw/runtime/env';
import * as z from 'zod/mini';

export const DEFAULT_MEDIA_MAX_ATTEMPTS = 5;

export const MediaConfigSchema = z.object({
  INBOUND_EVENTS_QUEUE_URL: envField.url(),
  BUCKET_NAME: envField.text(),
  CREDENTIALS_BROKER_FUNCTION: envField.text(),
  MEDIA_MAX_BYTES: envField.integerOr(DEFAULT_MEDIA_MAX_BYTES),
  MEDIA_MAX_ATTEMPTS: envField.integerOr(DEFAULT_MEDIA_MAX_ATTEMPTS),
  MEDIA_ALLOWED_HOSTS: z.optional(z.string().check(z.refine((value) => hostEntries(value).every(isHost), 'lists an entry that is not a host name'))),
  MEDIA_TIMEOUT_MS: envField.integerOr(DEFAULT_MEDIA_TIMEOUT_MS),
  ...commonEnv,
});

const hostEntries = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
const isHost = (entry: string): boolean => hostOf(entry) !== undefined;

export interface MediaConfig {
  inboundEventsQueueUrl: string;
  bucketName: string;
  credentialsBrokerFunction: string;
  /** Global cap on one file; each media kind has a lower limit of its own. */
  maxBytes: number;
  /** On this delivery of a job (SQS receive count) a transient failure is recorded as failed. */
  maxAttempts: number;
  /** Hosts media may come from besides the providers' own (MEDIA_ALLOWED_HOSTS). */
  allowedHosts: string[];
  timeoutMs: number;
  logLevel: string;
  region: string;
  /** Custom endpoints (fauxqs, the local broker); a per-service variable wins over AWS_ENDPOINT_URL. */
  endpoints: AwsEndpoints;
}

/**
 * The media function's configuration; throws ConfigError naming every bad key at once. Without an
 * argument it reads the process environment (through parseEnv).
 */
export const loadMediaConfig = (env?: EnvSource): MediaConfig => {
  const parsed = parseEnv(MediaConfigSchema, env);
  return {
    inboundEventsQueueUrl: parsed.INBOUND_EVENTS_QUEUE_URL,
    bucketName: parsed.BUCKET_NAME,
    credentialsBrokerFunction: parsed.CREDENTIALS_BROKER_FUNCTION,
    maxBytes: parsed.MEDIA_MAX_BYTES,
    maxAttempts: parsed.MEDIA_MAX_ATTEMPTS,
    allowedHosts: hostEntries(parsed.MEDIA_ALLOWED_HOSTS).map((entry) => hostOf(entry) as string),
    timeoutMs: parsed.MEDIA_TIMEOUT_MS,
    logLevel: parsed.LOG_LEVEL,
    region: parsed.AWS_REGION,
    endpoints: awsEndpoints(parsed),
  };
};
