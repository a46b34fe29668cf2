import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_ROLES } from '../../src/functions';
import { GatewayStack } from '../../src/gateway-stack';
import { stageConfig } from '../../src/stage-config';
import { resourcesOfType, STRICT_CONTEXT, synthGateway } from '../support/synth';

const { stack, template } = synthGateway();
const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
const topicRef = stack.resolve(stack.alarms.topic.topicArn) as unknown;

describe('alarms', () => {
  it('alarms on every dead-letter queue as soon as one message is visible', () => {
    for (const { deadLetterQueue } of Object.values(stack.queues.byRole)) {
      const dlqName = stack.resolve(deadLetterQueue.queueName) as unknown;
      const alarm = alarms.find((candidate) => JSON.stringify(candidate.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: dlqName }]));
      expect(alarm?.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('alarms on the oldest-message age of every main queue', () => {
    const ageAlarms = alarms.filter((alarm) => alarm.Properties.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(ageAlarms).toHaveLength(Object.keys(stack.queues.byRole).length);
  });

  it('alarms on errors and throttles of every function and on HTTP 5xx', () => {
    expect(alarms.filter((alarm) => alarm.Properties.MetricName === 'Errors')).toHaveLength(FUNCTION_ROLES.length);
    expect(alarms.filter((alarm) => alarm.Properties.MetricName === 'Throttles')).toHaveLength(FUNCTION_ROLES.length);
    expect(alarms.filter((alarm) => alarm.Properties.MetricName === '5xx')).toHaveLength(1);
  });

  it('draws one dashboard with throughput, errors, queue depth and age', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('sends every alarm to the alarm topic', () => {
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
  });

  it('subscribes the stage alarm email when one is configured', () => {
    // Prepare
    const app = new App({ context: STRICT_CONTEXT });
    const withEmail = new GatewayStack(app, 'WithEmail', { config: stageConfig('prod', 'ops@example.com'), bundle: false });

    // Assert
    Template.fromStack(withEmail).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
