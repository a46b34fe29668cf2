import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTION_ROLES } from '../../src/functions';
import { stageConfig } from '../../src/stage-config';
import { resourcesOfType, synthGateway } from '../support/synth';
import { ACCESS_LOG_FIELDS } from '../../src/webhook-api';

const { template } = synthGateway();
const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));

describe('functions', () => {
  it('deploys one nodejs22.x arm64 function per handler with source maps on', () => {
    expect(functions).toHaveLength(FUNCTION_ROLES.length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('gives every function its own log group with the stage retention', () => {
    // Prepare
    const logGroups = Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup'));

    // Assert
    for (const role of FUNCTION_ROLES) {
      expect(logGroups).toContainEqual(
        expect.objectContaining({
          Properties: expect.objectContaining({ LogGroupName: `/aws/lambda/wagw-dev-${role}`, RetentionInDays: stageConfig('dev').logRetention }),
        }),
      );
    }
  });

  it('routes the webhook paths and the health check to the receiver', () => {
    for (const routeKey of ['GET /webhooks/meta', 'POST /webhooks/meta', 'POST /webhooks/whapi/{channelId}', 'GET /health']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 4);
  });

  it('throttles the HTTP API and writes JSON access logs with the integration error and no query string', () => {
    expect(JSON.stringify(ACCESS_LOG_FIELDS)).not.toContain('queryString');
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: stageConfig('dev').apiThrottle.rateLimit }),
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: JSON.stringify(ACCESS_LOG_FIELDS) },
    });
  });

  it('neither retries nor delays a collector run: the next minute\'s run supersedes a missed one', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: Match.anyValue(), MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 120 });
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
  });

  it('starts the collector every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
  });
});
