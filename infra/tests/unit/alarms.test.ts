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

  it('alarms when collector runs are dropped (throttled past their 2-minute event age)', () => {
    const dropped = alarms.filter((alarm) => alarm.Properties.MetricName === 'AsyncEventsDropped');
    expect(dropped).toHaveLength(1);
    expect(JSON.stringify(dropped[0]?.Properties.Dimensions)).toContain(stack.getLogicalId(stack.functions.byRole['outbound-collector'].node.defaultChild as never));
  });

  it('draws one dashboard with every function\'s invocations and errors and every queue\'s depth, age and dead letters', () => {
    // Prepare
    const [dashboard] = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
    const parts = (dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    // References become the logical id they name, so the body parses as JSON.
    const logicalIdOf = (reference: { Ref?: string; 'Fn::GetAtt'?: string[] }): string => reference.Ref ?? reference['Fn::GetAtt']?.[0] ?? '';
    const text = parts.map((part) => (typeof part === 'string' ? part : logicalIdOf(part as never))).join('');
    const widgets = (JSON.parse(text) as { widgets: { properties: { title: string; metrics?: string[][] } }[] }).widgets;
    const dimensionsIn = (title: string): string[] => widgets.find((widget) => widget.properties.title === title)?.properties.metrics?.map((metric) => metric[3] ?? '') ?? [];
    const idOf = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as never);

    // Assert
    for (const fn of Object.values(stack.functions.byRole)) {
      expect(dimensionsIn('Invocations')).toContain(idOf(fn));
      expect(dimensionsIn('Errors')).toContain(idOf(fn));
    }
    for (const { queue, deadLetterQueue } of Object.values(stack.queues.byRole)) {
      expect(dimensionsIn('Queue depth')).toContain(idOf(queue));
      expect(dimensionsIn('Oldest message (s)')).toContain(idOf(queue));
      expect(dimensionsIn('Dead letters')).toContain(idOf(deadLetterQueue));
    }
  });

  it('sends every alarm to the alarm topic', () => {
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
  });

  it('lets only this account\'s CloudWatch alarms publish to the topic and use its key', () => {
    // Prepare
    const isFromOwnAlarms = (condition: unknown): boolean => {
      const { StringEquals, ArnLike } = condition as { StringEquals?: unknown; ArnLike?: { 'aws:SourceArn'?: unknown } };
      return (
        JSON.stringify(StringEquals) === JSON.stringify({ 'aws:SourceAccount': '123456789012' }) &&
        JSON.stringify(ArnLike?.['aws:SourceArn']).includes(':cloudwatch:eu-west-1:123456789012:alarm:wagw-dev-*')
      );
    };
    const statementsOf = (type: string, property: string): { Effect: string; Principal?: unknown; Action: unknown; Condition?: unknown }[] =>
      Object.values(resourcesOfType(template, type)).flatMap((resource) => (resource.Properties[property] as { Statement: never[] }).Statement);
    const topicAllows = statementsOf('AWS::SNS::TopicPolicy', 'PolicyDocument').filter((statement) => statement.Effect === 'Allow');
    const keyAllowsCloudWatch = statementsOf('AWS::KMS::Key', 'KeyPolicy').filter((statement) => JSON.stringify(statement.Principal).includes('cloudwatch'));

    // Assert
    expect(topicAllows).toHaveLength(1);
    expect(topicAllows[0]).toMatchObject({ Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } });
    expect(isFromOwnAlarms(topicAllows[0]?.Condition)).toBe(true);
    expect(keyAllowsCloudWatch).toHaveLength(1);
    expect(isFromOwnAlarms(keyAllowsCloudWatch[0]?.Condition)).toBe(true);
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
