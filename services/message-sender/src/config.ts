import type { EnvSource } from '@wagw/runtime/env';
import { commonEnv, envField, parseEnv } from '@wagw/runtime/env';
import * as z from 'zod/mini';

export const MessageSenderConfigSchema = z.object({
  /** status-events.fifo: where every send result goes. */
  STATUS_EVENTS_QUEUE_URL: envField.url(),
  /** outbound-messages.fifo, the queue this service consumes: ChangeMessageVisibility for the retry backoff. */
  OUTBOUND_MESSAGES_QUEUE_URL: envField.url(),
  /** The gateway's bucket: a row's `s3_key` media are read from it. */
  BUCKET_NAME: envField.text(),
  /** Name or ARN of the credentials broker Lambda (channel → owner and token). */
  CREDENTIALS_BROKER_FUNCTION: envField.text(),
  /** Timeout of one provider send call; also the safety margin of the lease check. */
  SEND_TIMEOUT_MS: envField.integerOr(10_000),
  /** Timeout of one provider media upload (`s3_key` media). */
  MEDIA_UPLOAD_TIMEOUT_MS: envField.integerOr(30_000),
  /** First retry delay of a retryable send; doubled per delivery. */
  RETRY_BASE_SECONDS: envField.integerOr(2),
  /**
   * From this delivery on (ApproximateReceiveCount), a retryable provider failure is recorded as failed
   * (SEND_RETRIES_EXHAUSTED) and acknowledged instead of retried: the queue's maxReceiveCount (20), so that
   * the dead-letter queue only gets records that crash.
   */
  SEND_MAX_RECEIVES: envField.integerOr(20),
  /** Longest retry delay (SQS allows 12 h). */
  RETRY_MAX_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(43_200)), 300),
  ...commonEnv,
});

export type MessageSenderConfig = z.output<typeof MessageSenderConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): MessageSenderConfig => parseEnv(MessageSenderConfigSchema, env);
