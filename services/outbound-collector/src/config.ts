import type { EnvSource } from '@wagw/runtime/env';
import { commonEnv, envField, parseEnv } from '@wagw/runtime/env';
import * as z from 'zod/mini';

/** A whole number from the environment, within bounds, with a default. */
const integerBetween = (fallback: number, minimum: number, maximum: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(minimum), z.maximum(maximum)), fallback);

/**
 * Runs a check across keys whenever those keys parsed, even when others did not, so that one
 * ConfigError names every bad key (zod skips such checks after any other issue by default).
 */
const whenParsed = (...keys: string[]) => ({
  when: (payload: z.core.ParsePayload) => payload.issues.every((issue) => !keys.includes(String(issue.path?.[0]))),
});

/** A run must end well inside the 900 s Lambda limit (its last poll and the summary line still have to fit). */
export const MAX_RUN_SECONDS = 840;

export const OutboundCollectorConfigSchema = z
  .object({
    /** outbound-messages.fifo: where leased rows go to the message-sender. */
    OUTBOUND_MESSAGES_QUEUE_URL: envField.url(),
    /** Name or ARN of the credentials broker Lambda (tenant list, tenant → database settings). */
    CREDENTIALS_BROKER_FUNCTION: envField.text(),
    /** This function's own name: the schedule run invokes it once per tenant (InvocationType 'Event'). */
    OUTBOUND_COLLECTOR_FUNCTION: envField.text(),
    /** How long one per-tenant run keeps polling its tenant's table; below OUTBOUND_LEASE_SECONDS. */
    COLLECTOR_RUN_SECONDS: integerBetween(50, 1, MAX_RUN_SECONDS),
    /** Rows per lease statement. */
    COLLECTOR_BATCH_SIZE: integerBetween(100, 1, 1_000),
    /** How long a leased row belongs to this collector and then to the sender (reserved_until = now + this). */
    OUTBOUND_LEASE_SECONDS: integerBetween(600, 120, 86_400),
    /** A row is tried this often; then it is failed with SEND_ATTEMPTS_EXHAUSTED. */
    OUTBOUND_MAX_ATTEMPTS: integerBetween(5, 1, 100),
    /** The reaper takes back a 'queued' row only this long after its lease ended, so a late send result still lands first. */
    OUTBOUND_REAP_GRACE_SECONDS: integerBetween(3_600, 0, 86_400),
    /** First pause after an empty lease; doubled on each further empty lease… */
    COLLECTOR_IDLE_MIN_MS: integerBetween(100, 1, 60_000),
    /** …up to this pause. */
    COLLECTOR_IDLE_MAX_MS: integerBetween(2_000, 1, 60_000),
    /** A tenant's connection pool is closed after this many seconds without use. */
    TENANT_DB_IDLE_SECONDS: envField.integerOr(300),
    ...commonEnv,
  })
  .check(
    z.refine((config) => config.COLLECTOR_IDLE_MIN_MS <= config.COLLECTOR_IDLE_MAX_MS, {
      path: ['COLLECTOR_IDLE_MAX_MS'],
      message: 'must not be below COLLECTOR_IDLE_MIN_MS',
      ...whenParsed('COLLECTOR_IDLE_MIN_MS', 'COLLECTOR_IDLE_MAX_MS'),
    }),
    // A run that outlived its leases could see rows it leased (not yet queued) leased again by the next run.
    z.refine((config) => config.COLLECTOR_RUN_SECONDS < config.OUTBOUND_LEASE_SECONDS, {
      path: ['COLLECTOR_RUN_SECONDS'],
      message: 'must be below OUTBOUND_LEASE_SECONDS',
      ...whenParsed('COLLECTOR_RUN_SECONDS', 'OUTBOUND_LEASE_SECONDS'),
    }),
  );

export type OutboundCollectorConfig = z.output<typeof OutboundCollectorConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): OutboundCollectorConfig => parseEnv(OutboundCollectorConfigSchema, env);
