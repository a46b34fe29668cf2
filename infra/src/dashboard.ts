import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { QueueRole } from '@wagw/contracts';
import type { FunctionRole } from './functions';
import type { GatewayQueue } from './queues';

export interface GatewayDashboardProps {
  namePrefix: string;
  queues: Readonly<Record<QueueRole, GatewayQueue>>;
  functions: Readonly<Record<FunctionRole, IFunction>>;
  api: HttpApi;
}

/** One CloudWatch dashboard: per-service throughput and errors, queue depth and age, HTTP responses. */
export class GatewayDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: GatewayDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    const functions = Object.entries(props.functions);
    const queues = Object.entries(props.queues);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${props.namePrefix}-gateway` });
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Invocations', width: 12, left: functions.map(([role, fn]) => fn.metricInvocations({ period, label: role })) }),
      new GraphWidget({ title: 'Errors', width: 12, left: functions.map(([role, fn]) => fn.metricErrors({ period, label: role })) }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Queue depth', width: 8, left: queues.map(([role, q]) => q.queue.metricApproximateNumberOfMessagesVisible({ period, label: role })) }),
      new GraphWidget({ title: 'Oldest message (s)', width: 8, left: queues.map(([role, q]) => q.queue.metricApproximateAgeOfOldestMessage({ period, label: role })) }),
      new GraphWidget({ title: 'Dead letters', width: 8, left: queues.map(([role, q]) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, label: role })) }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Webhook API',
        width: 24,
        left: [props.api.metricCount({ period, label: 'requests' })],
        right: [props.api.metricClientError({ period, label: '4xx' }), props.api.metricServerError({ period, label: '5xx' })],
      }),
    );
  }
}
