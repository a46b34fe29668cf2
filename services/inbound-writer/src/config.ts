import type { EnvSource } from '@wagw/runtime/env';
import { commonEnv, envField, parseEnv } from '@wagw/runtime/env';
import * as z from 'zod/mini';

export const InboundWriterConfigSchema = z.object({
  /** media-jobs.fifo: where messages with a file get their download job. */
  MEDIA_JOBS_QUEUE_URL: envField.url(),
  /** Name or ARN of the credentials broker Lambda (tenant → database settings). */
  CREDENTIALS_BROKER_FUNCTION: envField.text(),
  /** A tenant's connection pool is closed after this many seconds without use. */
  TENANT_DB_IDLE_SECONDS: envField.integerOr(300),
  ...commonEnv,
});

export type InboundWriterConfig = z.output<typeof InboundWriterConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): InboundWriterConfig => parseEnv(InboundWriterConfigSchema, env);
