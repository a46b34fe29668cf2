import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { QueueRole } from '@wagw/contracts';
import type { FunctionRole } from './functions';
import type { GatewayQueue } from './queues';
import { pascal } from './queues';

export interface AlarmsProps {
  namePrefix: string;
  alarmEmail?: string;
  /** Oldest-message age on a main queue above which someone is told. */
  maxQueueAge: Duration;
  queues: Readonly<Record<QueueRole, GatewayQueue>>;
  functions: Readonly<Record<FunctionRole, IFunction>>;
  api: HttpApi;
}

/**
 * Alarms to one SNS topic (email from the stage config): any message in a DLQ, a main queue's oldest
 * message too old, any function error or throttle, any HTTP 5xx.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key, hence a key of our own.
    // Only this account's alarms may use the key and publish; the SSL-only topic policy replaces SNS's
    // default one, so the publish permission must be stated.
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${props.namePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    const key = new Key(this, 'TopicKey', { enableKeyRotation: true, description: `${props.namePrefix} alarm topic` });
    key.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromOwnAlarms }),
    );
    this.topic = new Topic(this, 'Topic', { topicName: `${props.namePrefix}-alarms`, masterKey: key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions: fromOwnAlarms }),
    );
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string): void => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${props.namePrefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };

    for (const [role, { queue, deadLetterQueue }] of Object.entries(props.queues)) {
      const id = pascal(role);
      alarm(`${id}DlqNotEmpty`, deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 0,
        `${role}: a message was dead-lettered; inspect and redrive ${deadLetterQueue.node.id}.`);
      alarm(`${id}OldestMessage`, queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }), props.maxQueueAge.toSeconds(),
        `${role}: the oldest message waits longer than ${props.maxQueueAge.toSeconds()} s.`);
    }
    for (const [role, fn] of Object.entries(props.functions)) {
      const id = pascal(role);
      alarm(`${id}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 0, `${role}: the function failed.`);
      alarm(`${id}Throttles`, fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 0, `${role}: invocations were throttled.`);
    }
    alarm('OutboundCollectorDroppedRuns', props.functions['outbound-collector'].metric('AsyncEventsDropped', { period: Duration.minutes(5), statistic: 'Sum' }), 0,
      'outbound-collector: runs were dropped (throttled past 2 minutes); check the account concurrency and the collector reservation.');
    alarm('WebhookServerErrors', props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), 0, 'The webhook API answered 5xx.');
  }
}
