import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../src/gateway-stack';
import { stageConfig } from '../../src/stage-config';
import type { StageName } from '../../src/stage-config';

/** CloudFormation's own template validation turns into errors instead of console warnings (as in cdk.json). */
export const STRICT_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true } as const;

/** Synthesizes the stack offline for a stage; without `bundle` the functions get inline stub code. */
export const synthGateway = (stage: StageName = 'dev', options: { bundle?: boolean } = {}): { stack: GatewayStack; template: Template } => {
  const app = new App({ context: STRICT_CONTEXT });
  const stack = new GatewayStack(app, `Test-${stage}`, {
    config: stageConfig(stage),
    bundle: options.bundle ?? false,
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { stack, template: Template.fromStack(stack) };
};

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

export const resourcesOfType = (template: Template, type: string): Resources => template.findResources(type) as Resources;
