import type { EnvSource } from '@wagw/runtime/env';
import { commonEnv, envField, parseEnv } from '@wagw/runtime/env';
import * as z from 'zod/mini';

export const StatusSaverConfigSchema = z.object({
  /** status-events.fifo, the queue this service consumes: ChangeMessageVisibility for the retry backoff. */
  STATUS_EVENTS_QUEUE_URL: envField.url(),
  /** Name or ARN of the credentials broker Lambda (tenant → database settings). */
  CREDENTIALS_BROKER_FUNCTION: envField.text(),
  /** A tenant's connection pool is closed after this many seconds without use. */
  TENANT_DB_IDLE_SECONDS: envField.integerOr(300),
  ...commonEnv,
});

export type StatusSaverConfig = z.output<typeof StatusSaverConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): StatusSaverConfig => parseEnv(StatusSaverConfigSchema, env);
