import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface CollectorScheduleProps {
  namePrefix: string;
  collector: IFunction;
}

/**
 * Starts the outbound collector every minute; that run fans out one asynchronous invocation per tenant
 * (the function invokes itself), each polling for COLLECTOR_RUN_SECONDS (50 s) so runs do not overlap.
 */
export class CollectorSchedule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CollectorScheduleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'EveryMinute', {
      ruleName: `${props.namePrefix}-outbound-collector`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(props.collector, { retryAttempts: 0 })],
    });
  }
}
