/**
 * The handler of every function and whether it reaches tenant databases: the one list the CDK
 * functions (`FUNCTION_SPECS`), the bundling tests and the bundle benchmark read. No aws-cdk-lib here.
 */
export interface FunctionEntry {
  /** Handler file, relative to the repository root (exports `handler`). */
  entry: string;
  /** Reaches tenant databases (SQL Server / PostgreSQL): its bundle carries the dialect drivers, each in a lazy chunk. */
  reachesTenantDatabases: boolean;
}

export const FUNCTION_ENTRIES = {
  'webhook-receiver': { entry: 'services/webhook-receiver/src/handler.ts', reachesTenantDatabases: false },
  'webhook-media': { entry: 'services/webhook-receiver/src/media-handler.ts', reachesTenantDatabases: false },
  'inbound-writer': { entry: 'services/inbound-writer/src/handler.ts', reachesTenantDatabases: true },
  'outbound-collector': { entry: 'services/outbound-collector/src/handler.ts', reachesTenantDatabases: true },
  'message-sender': { entry: 'services/message-sender/src/handler.ts', reachesTenantDatabases: false },
  'status-saver': { entry: 'services/status-saver/src/handler.ts', reachesTenantDatabases: true },
  'credentials-broker': { entry: 'services/credentials-broker/src/handler.ts', reachesTenantDatabases: false },
} as const satisfies Record<string, FunctionEntry>;

export type FunctionEntryName = keyof typeof FUNCTION_ENTRIES;

/**
 * Values every function's config accepts at cold start, for importing a bundle outside Lambda (load
 * tests, the bundle benchmark): nothing is contacted while importing. Lambda itself gets the real ones.
 */
export const COLD_START_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  INBOUND_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/inbound-events.fifo',
  STATUS_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/status-events.fifo',
  MEDIA_JOBS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/media-jobs.fifo',
  OUTBOUND_MESSAGES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound-messages.fifo',
  OUTBOUND_COLLECTOR_FUNCTION: 'outbound-collector',
  BUCKET_NAME: 'wagw-bench',
  CREDENTIALS_BROKER_FUNCTION: 'credentials-broker',
  SECRETS_SOURCE: 'secrets-manager',
  LOG_LEVEL: 'silent',
};
