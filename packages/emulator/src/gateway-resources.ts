import type { S3Client } from '@aws-sdk/client-s3';
import { BucketAlreadyOwnedByYou, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SQSServiceException,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { QueueRole } from '@wagw/contracts';

export interface GatewayQueueSpec {
  /** FIFO queue name, `<role>.fifo`. */
  name: string;
  /** Its dead-letter queue, `<role>-dlq.fifo`. */
  dlqName: string;
  /** Deliveries before a message moves to the DLQ. */
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

/** The gateway's queues, as local mode creates them (infra declares the same values for AWS). */
export const GATEWAY_QUEUES: Readonly<Record<QueueRole, GatewayQueueSpec>> = {
  'inbound-events': { name: 'inbound-events.fifo', dlqName: 'inbound-events-dlq.fifo', maxReceiveCount: 5, visibilityTimeoutSeconds: 30 },
  'status-events': { name: 'status-events.fifo', dlqName: 'status-events-dlq.fifo', maxReceiveCount: 12, visibilityTimeoutSeconds: 30 },
  'media-jobs': { name: 'media-jobs.fifo', dlqName: 'media-jobs-dlq.fifo', maxReceiveCount: 6, visibilityTimeoutSeconds: 90 },
  // The sender backs off retryable failures through ChangeMessageVisibility; 20 receives leave room for records held back behind a failing one of their group (its retries end earlier: at the lease).
  'outbound-messages': { name: 'outbound-messages.fifo', dlqName: 'outbound-messages-dlq.fifo', maxReceiveCount: 20, visibilityTimeoutSeconds: 60 },
};

export const QUEUE_ROLES = Object.keys(GATEWAY_QUEUES) as QueueRole[];

/** Dead letters are kept the longest SQS allows, so nothing is lost before someone looks. */
const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

export type GatewayQueueOverrides = Partial<Record<QueueRole, Partial<Pick<GatewayQueueSpec, 'maxReceiveCount' | 'visibilityTimeoutSeconds'>>>>;

export interface GatewayResourcesOptions {
  sqs: SQSClient;
  s3: S3Client;
  bucket: string;
  /** Prepended to every queue name (tests sharing one emulator). */
  namePrefix?: string;
  /** Per-role changes to the table above (tests use a short visibility timeout). */
  overrides?: GatewayQueueOverrides;
}

export interface GatewayResources {
  queueUrls: Record<QueueRole, string>;
  dlqUrls: Record<QueueRole, string>;
  bucket: string;
}

// fauxqs answers with the legacy query-protocol code, which the SDK does not map to its class.
const isQueueNameExists = (error: unknown): boolean =>
  error instanceof QueueNameExists || (error instanceof SQSServiceException && error.name.endsWith('QueueNameExists'));

/**
 * Creates the queue; when it exists already with other attributes (state kept from an older table),
 * its attributes are brought in line instead of failing.
 */
const ensureQueue = async (sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> => {
  try {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (created.QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
    return await onClientEndpoint(sqs, created.QueueUrl);
  } catch (error) {
    if (!isQueueNameExists(error)) throw error;
    const existing = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (existing.QueueUrl === undefined) throw new Error(`GetQueueUrl ${name} returned no URL`);
    // FifoQueue cannot be changed after creation; everything else can.
    const { FifoQueue: _fifo, ...settable } = attributes;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: existing.QueueUrl, Attributes: settable }));
    return await onClientEndpoint(sqs, existing.QueueUrl);
  }
};

const queueArn = async (sqs: SQSClient, queueUrl: string): Promise<string> => {
  const response = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = response.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`no QueueArn for ${queueUrl}`);
  return arn;
};

/**
 * fauxqs keeps the URL a queue was created with, port included; after a restart on another port the
 * stored URL is stale. Queue URLs are rebuilt on the client's endpoint so they are always usable.
 */
const onClientEndpoint = async (sqs: SQSClient, queueUrl: string): Promise<string> => {
  const endpoint = await sqs.config.endpoint?.();
  if (endpoint === undefined) return queueUrl;
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  return `${endpoint.protocol}//${endpoint.hostname}${port}${new URL(queueUrl).pathname}`;
};

/** Creates (idempotently) the gateway's FIFO queues, their DLQs and the bucket, with the real SDK. */
export const createGatewayResources = async (options: GatewayResourcesOptions): Promise<GatewayResources> => {
  const { sqs, s3, bucket } = options;
  const prefix = options.namePrefix ?? '';
  const queueUrls = {} as Record<QueueRole, string>;
  const dlqUrls = {} as Record<QueueRole, string>;

  for (const role of QUEUE_ROLES) {
    const spec = { ...GATEWAY_QUEUES[role], ...options.overrides?.[role] };
    const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
    const dlqUrl = await ensureQueue(sqs, `${prefix}${spec.dlqName}`, { ...fifo, MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) });
    const dlqArn = await queueArn(sqs, dlqUrl);
    queueUrls[role] = await ensureQueue(sqs, `${prefix}${spec.name}`, {
      ...fifo,
      VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
    });
    dlqUrls[role] = dlqUrl;
  }

  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  }
  return { queueUrls, dlqUrls, bucket };
};
