import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * One JSON line per request. Why a request failed is in the integration fields; the query string is
 * left out on purpose (Meta's verification GET carries the verify token in it).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

export interface WebhookApiProps {
  namePrefix: string;
  receiver: IFunction;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
}

/** The HTTP API in front of the webhook receiver: Meta and Whapi webhooks and a health check. */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { apiName: `${props.namePrefix}-webhooks`, createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.namePrefix}-webhooks`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)) },
    });
    const integration = new HttpLambdaIntegration('Receiver', props.receiver);
    this.api.addRoutes({ path: '/webhooks/meta', methods: [HttpMethod.GET, HttpMethod.POST], integration });
    this.api.addRoutes({ path: '/webhooks/whapi/{channelId}', methods: [HttpMethod.POST], integration });
    this.api.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration });

    new CfnOutput(this, 'MetaWebhookUrl', { value: `${this.api.apiEndpoint}/webhooks/meta`, description: 'Callback URL to paste into the Meta app' });
    new CfnOutput(this, 'WhapiWebhookUrl', { value: `${this.api.apiEndpoint}/webhooks/whapi/{channelId}`, description: 'Webhook URL per Whapi channel' });
  }
}
