import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type StageName = 'dev' | 'prod';

/** An existing VPC the database-reaching functions run in (ids, so synth needs no AWS lookup). */
export interface VpcSettings {
  vpcId: string;
  /** Private subnets with a route to the tenant databases. */
  subnetIds: string[];
  /** The subnets' availability zones, in the same order (given, so that synth needs no lookup). */
  availabilityZones: string[];
  /** Security groups of the functions; the tenant databases must accept them. */
  securityGroupIds: string[];
  /** Create interface endpoints for SQS and Lambda in these subnets; false = the subnets route to a NAT. */
  createEndpoints: boolean;
}

/** Everything that differs between a dev and a prod deployment; the rest of the stack is the same. */
export interface StageConfig {
  stage: StageName;
  /** Prepended to every resource name (queues, functions, log groups); also the Secrets Manager prefix. */
  namePrefix: string;
  /** Secret names are `{secretsPrefix}/meta-apps/{appId}` and `{secretsPrefix}/tenants/{tenantId}`. */
  secretsPrefix: string;
  /** Retention of every function's and the HTTP API's log group. */
  logRetention: RetentionDays;
  /** Alarms go to an SNS topic; this address is subscribed by email when set. */
  alarmEmail?: string;
  /** Oldest-message age (seconds) on a main queue that raises an alarm. */
  maxQueueAgeSeconds: number;
  /** Maximum concurrency of each queue's event source mapping (2 is the minimum SQS allows). */
  queueConsumerConcurrency: number;
  /** Reserved concurrency of the collector (schedule run + per-tenant runs); undefined = unreserved. */
  collectorReservedConcurrency?: number;
  /** HTTP API throttling. */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Days raw webhook bodies (`raw/`) and media files (`media/`) are kept. */
  rawRetentionDays: number;
  mediaRetentionDays: number;
  /** Days a parked webhook event (`parked/`) is kept for replay. */
  parkedRetentionDays: number;
  /** Days the bucket's server access log is kept. */
  accessLogRetentionDays: number;
  /** Place the database-reaching functions in a VPC (off by default; see README). */
  vpc: { enabled: false } | ({ enabled: true } & VpcSettings);
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error';
}

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    stage: 'dev',
    namePrefix: 'wagw-dev',
    secretsPrefix: 'wagw-dev',
    logRetention: RetentionDays.ONE_WEEK,
    maxQueueAgeSeconds: 900,
    queueConsumerConcurrency: 2,
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    rawRetentionDays: 7,
    mediaRetentionDays: 7,
    parkedRetentionDays: 14,
    accessLogRetentionDays: 30,
    vpc: { enabled: false },
    LOG_LEVEL: 'debug',
  },
  prod: {
    stage: 'prod',
    namePrefix: 'wagw-prod',
    secretsPrefix: 'wagw-prod',
    logRetention: RetentionDays.THREE_MONTHS,
    maxQueueAgeSeconds: 300,
    queueConsumerConcurrency: 10,
    apiThrottle: { rateLimit: 500, burstLimit: 1000 },
    rawRetentionDays: 30,
    mediaRetentionDays: 90,
    parkedRetentionDays: 30,
    accessLogRetentionDays: 365,
    vpc: { enabled: false },
    LOG_LEVEL: 'info',
  },
};

export const isStageName = (value: unknown): value is StageName => value === 'dev' || value === 'prod';

/** The stage named by `-c stage=…` (default dev), with an optional alarm email from `-c alarmEmail=…`. */
export const stageConfig = (stage: unknown, alarmEmail?: unknown): StageConfig => {
  const name = stage ?? 'dev';
  if (!isStageName(name)) throw new Error(`unknown stage ${String(name)}; expected dev or prod`);
  const config = STAGES[name];
  return typeof alarmEmail === 'string' && alarmEmail !== '' ? { ...config, alarmEmail } : config;
};
