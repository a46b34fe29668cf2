import type { QueueRole } from '@wagw/contracts';
import { GATEWAY_QUEUES, QUEUE_ROLES } from '@wagw/emulator/gateway-resources';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How many times its consumer's timeout a queue's visibility timeout is (AWS's guidance for event sources). */
export const VISIBILITY_FACTOR = 6;

/**
 * A main queue keeps a message 7 days (SQS default: 4), so a consumer outage of days loses nothing.
 * Dead letters are kept the longest SQS allows, 14 days from when they were dead-lettered (a FIFO
 * message's enqueue time restarts in its DLQ), so nothing expires before someone looks.
 */
export const MAIN_RETENTION = Duration.days(7);
export const DLQ_RETENTION = Duration.days(14);

export interface GatewayQueue {
  queue: Queue;
  deadLetterQueue: Queue;
  maxReceiveCount: number;
}

export interface QueuesProps {
  namePrefix: string;
  /** Each queue's consumer timeout; the visibility timeout is VISIBILITY_FACTOR times it. */
  consumerTimeouts: Readonly<Record<QueueRole, Duration>>;
}

/**
 * The gateway's FIFO queues (`<role>.fifo`), each with its FIFO dead-letter queue and the
 * maxReceiveCount local mode uses (GATEWAY_QUEUES), SQS-managed encryption and SSL-only access.
 */
export class Queues extends Construct {
  readonly byRole: Readonly<Record<QueueRole, GatewayQueue>>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const byRole = {} as Record<QueueRole, GatewayQueue>;
    for (const role of QUEUE_ROLES) {
      const spec = GATEWAY_QUEUES[role];
      const roleId = pascal(role);
      const deadLetterQueue = new Queue(this, `${roleId}Dlq`, {
        queueName: `${props.namePrefix}-${spec.dlqName}`,
        fifo: true,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const queue = new Queue(this, roleId, {
        queueName: `${props.namePrefix}-${spec.name}`,
        fifo: true,
        contentBasedDeduplication: false,
        // High-throughput FIFO: limits per message group, not 300 calls/s per queue. A message always
        // goes to the same group (its dedup id is derived from what also picks the group), so
        // deduplication per group loses nothing.
        deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
        fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        retentionPeriod: MAIN_RETENTION,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(props.consumerTimeouts[role].toSeconds() * VISIBILITY_FACTOR),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      byRole[role] = { queue, deadLetterQueue, maxReceiveCount: spec.maxReceiveCount };
    }
    this.byRole = byRole;
  }
}

/** `status-events` → `StatusEvents` (construct ids are PascalCase roles). */
export const pascal = (kebab: string): string =>
  kebab.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
