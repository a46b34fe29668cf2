import type { EnvSource } from '@wagw/runtime/env';
import { parseEnv } from '@wagw/runtime/env';
import { z } from 'zod';

const optionalUrl = z.string().url().optional();

export const InboundWriterConfigSchema = z.object({
  /** media-jobs.fifo: where messages with a file get their download job. */
  MEDIA_JOBS_QUEUE_URL: z.string().url(),
  /** Name or ARN of the credentials broker Lambda (tenant → database settings). */
  CREDENTIALS_BROKER_FUNCTION: z.string().min(1),
  /** A tenant's connection pool is closed after this many seconds without use. */
  TENANT_DB_IDLE_SECONDS: z.coerce.number().int().positive().default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Set by Lambda; the clients default to us-east-1 without it. */
  AWS_REGION: z.string().min(1).optional(),
  AWS_ENDPOINT_URL: optionalUrl,
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  AWS_ENDPOINT_URL_LAMBDA: optionalUrl,
});

export type InboundWriterConfig = z.output<typeof InboundWriterConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): InboundWriterConfig => parseEnv(InboundWriterConfigSchema, env);
