import { parseEnv } from '@wagw/runtime/env';
import type { EnvSource } from '@wagw/runtime/env';
import { z } from 'zod';

/** Meta allows up to 3 MB; the margin covers encoding overhead and future growth. */
export const DEFAULT_MAX_BODY_BYTES = 3.5 * 1024 * 1024;

const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);
const optionalUrl = z.preprocess(unsetIfEmpty, z.string().url().optional());

const ReceiverEnv = z.object({
  INBOUND_EVENTS_QUEUE_URL: z.string().url(),
  STATUS_EVENTS_QUEUE_URL: z.string().url(),
  BUCKET_NAME: z.string().min(1),
  CREDENTIALS_BROKER_FUNCTION: z.string().min(1),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  AWS_REGION: z.preprocess(unsetIfEmpty, z.string().min(1).default('us-east-1')),
  AWS_ENDPOINT_URL: optionalUrl,
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  AWS_ENDPOINT_URL_S3: optionalUrl,
  AWS_ENDPOINT_URL_LAMBDA: optionalUrl,
  MAX_BODY_BYTES: z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES)),
});

export interface ReceiverConfig {
  inboundEventsQueueUrl: string;
  statusEventsQueueUrl: string;
  bucketName: string;
  credentialsBrokerFunction: string;
  logLevel: string;
  region: string;
  /** Custom endpoints (fauxqs, the local broker); a per-service variable wins over AWS_ENDPOINT_URL. */
  endpoints: { sqs?: string; s3?: string; lambda?: string };
  maxBodyBytes: number;
}

/** The webhook HTTP function's configuration; throws ConfigError naming every bad key at once. */
export const loadConfig = (env: EnvSource = process.env): ReceiverConfig => {
  const parsed = parseEnv(ReceiverEnv, env);
  const endpoints: ReceiverConfig['endpoints'] = {};
  const sqs = parsed.AWS_ENDPOINT_URL_SQS ?? parsed.AWS_ENDPOINT_URL;
  const s3 = parsed.AWS_ENDPOINT_URL_S3 ?? parsed.AWS_ENDPOINT_URL;
  const lambda = parsed.AWS_ENDPOINT_URL_LAMBDA ?? parsed.AWS_ENDPOINT_URL;
  if (sqs !== undefined) endpoints.sqs = sqs;
  if (s3 !== undefined) endpoints.s3 = s3;
  if (lambda !== undefined) endpoints.lambda = lambda;
  return {
    inboundEventsQueueUrl: parsed.INBOUND_EVENTS_QUEUE_URL,
    statusEventsQueueUrl: parsed.STATUS_EVENTS_QUEUE_URL,
    bucketName: parsed.BUCKET_NAME,
    credentialsBrokerFunction: parsed.CREDENTIALS_BROKER_FUNCTION,
    logLevel: parsed.LOG_LEVEL,
    region: parsed.AWS_REGION,
    endpoints,
    maxBodyBytes: parsed.MAX_BODY_BYTES,
  };
};
