import { hostOf } from '@wagw/providers/media/host-policy';
import { DEFAULT_MEDIA_TIMEOUT_MS } from '@wagw/providers/media/media-client';
import { DEFAULT_MEDIA_MAX_BYTES } from '@wagw/providers/media/media-size-limits';
import { parseEnv } from '@wagw/runtime/env';
import type { EnvSource } from '@wagw/runtime/env';
import { z } from 'zod';

export const DEFAULT_MEDIA_MAX_ATTEMPTS = 5;

const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);
const optionalUrl = z.preprocess(unsetIfEmpty, z.string().url().optional());
const positiveInt = (fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().default(fallback));

/** `a.example.com, b.example.com:8443` → hosts; an entry that is no host name fails the whole list. */
const hostList = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('')
    .transform((value, context) => {
      const hosts: string[] = [];
      for (const entry of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
        const host = hostOf(entry);
        if (host === undefined) context.addIssue({ code: 'custom', message: `"${entry}" is not a host name` });
        else hosts.push(host);
      }
      return hosts;
    }),
);

const MediaEnv = z.object({
  INBOUND_EVENTS_QUEUE_URL: z.string().url(),
  BUCKET_NAME: z.string().min(1),
  CREDENTIALS_BROKER_FUNCTION: z.string().min(1),
  MEDIA_MAX_BYTES: positiveInt(DEFAULT_MEDIA_MAX_BYTES),
  MEDIA_MAX_ATTEMPTS: positiveInt(DEFAULT_MEDIA_MAX_ATTEMPTS),
  MEDIA_ALLOWED_HOSTS: hostList,
  MEDIA_TIMEOUT_MS: positiveInt(DEFAULT_MEDIA_TIMEOUT_MS),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  AWS_REGION: z.preprocess(unsetIfEmpty, z.string().min(1).default('us-east-1')),
  AWS_ENDPOINT_URL: optionalUrl,
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  AWS_ENDPOINT_URL_S3: optionalUrl,
  AWS_ENDPOINT_URL_LAMBDA: optionalUrl,
});

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
  endpoints: { sqs?: string; s3?: string; lambda?: string };
}

/**
 * The media function's configuration; throws ConfigError naming every bad key at once. Without an
 * argument it reads the process environment (through parseEnv).
 */
export const loadMediaConfig = (env?: EnvSource): MediaConfig => {
  const parsed = parseEnv(MediaEnv, env);
  const endpoints: MediaConfig['endpoints'] = {};
  const sqs = parsed.AWS_ENDPOINT_URL_SQS ?? parsed.AWS_ENDPOINT_URL;
  const s3 = parsed.AWS_ENDPOINT_URL_S3 ?? parsed.AWS_ENDPOINT_URL;
  const lambda = parsed.AWS_ENDPOINT_URL_LAMBDA ?? parsed.AWS_ENDPOINT_URL;
  if (sqs !== undefined) endpoints.sqs = sqs;
  if (s3 !== undefined) endpoints.s3 = s3;
  if (lambda !== undefined) endpoints.lambda = lambda;
  return {
    inboundEventsQueueUrl: parsed.INBOUND_EVENTS_QUEUE_URL,
    bucketName: parsed.BUCKET_NAME,
    credentialsBrokerFunction: parsed.CREDENTIALS_BROKER_FUNCTION,
    maxBytes: parsed.MEDIA_MAX_BYTES,
    maxAttempts: parsed.MEDIA_MAX_ATTEMPTS,
    allowedHosts: parsed.MEDIA_ALLOWED_HOSTS,
    timeoutMs: parsed.MEDIA_TIMEOUT_MS,
    logLevel: parsed.LOG_LEVEL,
    region: parsed.AWS_REGION,
    endpoints,
  };
};
