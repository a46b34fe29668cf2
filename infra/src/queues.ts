import type { QueueRole } from '@wagw/contracts';
import { GATEWAY_QUEUES, QUEUE_ROLES } from '@wagw/emulator/gateway-resources';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How many times its consumer's timeout a queue's visibility timeout is (AWS's guidance for event sources). */
export const VISIBILITY_FACTOR = 6;

/** Dead letters are kept the longest SQS allows, so nothing is lost before someone looks. */
const DLQ_RETENTION = Duration.days(14);

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
