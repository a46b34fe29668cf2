import { GATEWAY_QUEUES, QUEUE_ROLES } from '@wagw/emulator/gateway-resources';
import { FUNCTION_SPECS } from '../../src/functions';
import { VISIBILITY_FACTOR } from '../../src/queues';
import { resourcesOfType, synthGateway } from '../support/synth';

const { template } = synthGateway();
const queues = resourcesOfType(template, 'AWS::SQS::Queue');
const byName = (name: string) => Object.entries(queues).find(([, queue]) => queue.Properties.QueueName === `wagw-dev-${name}`);

describe('queues', () => {
  it('creates every gateway queue and its dead-letter queue as FIFO, and nothing else', () => {
    // Assert
    expect(Object.keys(queues)).toHaveLength(QUEUE_ROLES.length * 2);
    for (const queue of Object.values(queues)) expect(queue.Properties.FifoQueue).toBe(true);
  });

  it('encrypts every queue with SQS-managed keys', () => {
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it.each(QUEUE_ROLES)('gives %s a FIFO DLQ with the maxReceiveCount local mode uses', (role) => {
    // Prepare
    const spec = GATEWAY_QUEUES[role];
    const [, main] = byName(spec.name) ?? [];
    const [dlqId] = byName(spec.dlqName) ?? [];

    // Assert
    expect(main).toBeDefined();
    expect(dlqId).toBeDefined();
    expect(main?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: spec.maxReceiveCount,
    });
  });

  it('keeps a message 7 days on every main queue and 14 days (the most SQS allows) in its DLQ', () => {
    for (const role of QUEUE_ROLES) {
      // Prepare
      const [, queue] = byName(GATEWAY_QUEUES[role].name) ?? [];
      const [, dlq] = byName(GATEWAY_QUEUES[role].dlqName) ?? [];
      const mainSeconds = queue?.Properties.MessageRetentionPeriod as number;
      const dlqSeconds = dlq?.Properties.MessageRetentionPeriod as number;

      // Assert
      expect(mainSeconds).toBe(7 * 86_400);
      expect(dlqSeconds).toBe(14 * 86_400);
    }
  });

  it('runs every main queue as high-throughput FIFO (limits per message group, dedup per group)', () => {
    for (const role of QUEUE_ROLES) {
      const [, queue] = byName(GATEWAY_QUEUES[role].name) ?? [];
      expect(queue?.Properties).toMatchObject({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    }
  });

  it('denies every queue access without SSL', () => {
    // Prepare
    const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'));
    const protectedQueues = policies.flatMap((policy) => policy.Properties.Queues as unknown[]);

    // Assert
    expect(protectedQueues).toHaveLength(Object.keys(queues).length);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('keeps every consumed queue visible at least six times its consumer timeout', () => {
    for (const spec of Object.values(FUNCTION_SPECS)) {
      const consumed = spec.consumes;
      if (consumed === undefined) continue;
      // Prepare
      const [, queue] = byName(GATEWAY_QUEUES[consumed.role].name) ?? [];
      const functions = resourcesOfType(template, 'AWS::Lambda::Function');
      const consumerTimeout = Object.values(functions).find((fn) =>
        JSON.stringify(fn.Properties.FunctionName) === JSON.stringify(`wagw-dev-${consumerOf(consumed.role)}`),
      )?.Properties.Timeout as number;

      // Assert
      expect(consumerTimeout).toBe(spec.timeout.toSeconds());
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(VISIBILITY_FACTOR * consumerTimeout);
    }
  });
});

const consumerOf = (role: string): string =>
  Object.entries(FUNCTION_SPECS).find(([, spec]) => spec.consumes?.role === role)?.[0] ?? 'none';
