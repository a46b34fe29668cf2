import { Duration, Stack, Tags } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alarms } from './alarms';
import { GatewayBucket } from './bucket';
import { CollectorSchedule } from './collector-schedule';
import { GatewayDashboard } from './dashboard';
import { consumerTimeouts, Functions } from './functions';
import { acknowledgeNagFindings } from './nag';
import { Queues } from './queues';
import type { StageConfig } from './stage-config';
import { WebhookApi } from './webhook-api';

export interface GatewayStackProps extends StackProps {
  config: StageConfig;
  /** false: inline stub code instead of esbuild bundles (template unit tests). Default true. */
  bundle?: boolean;
}

/** The whole gateway for one stage: queues, bucket, functions, HTTP API and the collector schedule. */
export class GatewayStack extends Stack {
  readonly queues: Queues;
  readonly bucket: GatewayBucket;
  readonly functions: Functions;
  readonly api: WebhookApi;
  readonly config: StageConfig;
  readonly alarms: Alarms;
  readonly dashboard: GatewayDashboard;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add('project', 'whatsapp-gateway');
    Tags.of(this).add('stage', config.stage);

    this.queues = new Queues(this, 'Queues', { namePrefix: config.namePrefix, consumerTimeouts: consumerTimeouts() });
    this.bucket = new GatewayBucket(this, 'Storage', {
      rawRetentionDays: config.rawRetentionDays,
      mediaRetentionDays: config.mediaRetentionDays,
      parkedRetentionDays: config.parkedRetentionDays,
      accessLogRetentionDays: config.accessLogRetentionDays,
    });
    this.functions = new Functions(this, 'Functions', {
      config,
      queues: this.queues.byRole,
      bucket: this.bucket.bucket,
      ...(props.bundle === undefined ? {} : { bundle: props.bundle }),
    });
    this.api = new WebhookApi(this, 'Webhooks', {
      namePrefix: config.namePrefix,
      receiver: this.functions.byRole['webhook-receiver'],
      throttle: config.apiThrottle,
      logRetention: config.logRetention,
    });
    new CollectorSchedule(this, 'CollectorSchedule', { namePrefix: config.namePrefix, collector: this.functions.byRole['outbound-collector'] });
    this.alarms = new Alarms(this, 'Alarms', {
      namePrefix: config.namePrefix,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
      maxQueueAge: Duration.seconds(config.maxQueueAgeSeconds),
      queues: this.queues.byRole,
      functions: this.functions.byRole,
      api: this.api.api,
    });
    this.dashboard = new GatewayDashboard(this, 'Dashboard', {
      namePrefix: config.namePrefix,
      queues: this.queues.byRole,
      functions: this.functions.byRole,
      api: this.api.api,
    });
    acknowledgeNagFindings(this);
  }
}
