import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_SPECS } from '../../src/functions';
import { GatewayStack } from '../../src/gateway-stack';
import { addNagChecks } from '../../src/nag';
import { stageConfig } from '../../src/stage-config';
import type { StageConfig } from '../../src/stage-config';
import { resourcesOfType, synthGateway } from '../support/synth';

const withVpc: StageConfig = {
  ...stageConfig('prod'),
  vpc: { enabled: true, vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-0123'] },
};
const env = { account: '123456789012', region: 'eu-west-1' };

describe('VPC placement', () => {
  it('keeps every function out of a VPC by default', () => {
    const { template } = synthGateway('prod');
    for (const fn of Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))) expect(fn.Properties.VpcConfig).toBeUndefined();
  });

  it('places only the functions that reach tenant databases in the configured subnets', () => {
    // Act
    const app = new App();
    const template = Template.fromStack(new GatewayStack(app, 'Vpc', { config: withVpc, bundle: false, env }));

    // Assert
    const placed = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).filter((fn) => fn.Properties.VpcConfig !== undefined);
    expect(placed.map((fn) => fn.Properties.FunctionName).sort()).toEqual(
      Object.entries(FUNCTION_SPECS)
        .filter(([, spec]) => spec.reachesTenantDatabases === true)
        .map(([role]) => `wagw-prod-${role}`)
        .sort(),
    );
    for (const fn of placed) expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-0123'] });
  });

  it('passes cdk-nag with the VPC on', () => {
    const app = new App();
    new GatewayStack(app, 'VpcNag', { config: withVpc, bundle: false, env });
    addNagChecks(app);
    expect(() => app.synth()).not.toThrow();
  });
});
