import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_SPECS } from '../../src/functions';
import type { FunctionRole } from '../../src/functions';
import { GatewayStack } from '../../src/gateway-stack';
import { addNagChecks } from '../../src/nag';
import { stageConfig } from '../../src/stage-config';
import type { StageConfig } from '../../src/stage-config';
import { resourcesOfType, STRICT_CONTEXT, synthGateway } from '../support/synth';

const withVpc: StageConfig = {
  ...stageConfig('prod'),
  vpc: { enabled: true, vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], availabilityZones: ['eu-west-1a', 'eu-west-1b'], securityGroupIds: ['sg-0123456789abcdef0'], createEndpoints: false },
};
const withEndpoints: StageConfig = { ...withVpc, vpc: { ...(withVpc.vpc as Extract<StageConfig['vpc'], { enabled: true }>), createEndpoints: true } };
const env = { account: '123456789012', region: 'eu-west-1' };
const templateFor = (config: StageConfig, id: string): Template => Template.fromStack(new GatewayStack(new App({ context: STRICT_CONTEXT }), id, { config, bundle: false, env }));

describe('VPC placement', () => {
  it('keeps every function out of a VPC by default', () => {
    const { template } = synthGateway('prod');
    for (const fn of Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))) expect(fn.Properties.VpcConfig).toBeUndefined();
  });

  it('places only the functions that reach tenant databases in the configured subnets', () => {
    // Act
    const app = new App({ context: STRICT_CONTEXT });
    const template = Template.fromStack(new GatewayStack(app, 'Vpc', { config: withVpc, bundle: false, env }));

    // Assert
    const placed = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).filter((fn) => fn.Properties.VpcConfig !== undefined);
    expect(placed.map((fn) => fn.Properties.FunctionName).sort()).toEqual(
      Object.entries(FUNCTION_SPECS)
        .filter(([, spec]) => spec.reachesTenantDatabases)
        .map(([role]) => `wagw-prod-${role}`)
        .sort(),
    );
    for (const fn of placed) expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], SecurityGroupIds: ['sg-0123456789abcdef0'] });
  });

  it('synthesizes with the VPC on without any AWS lookup (offline)', () => {
    const app = new App({ context: STRICT_CONTEXT });
    new GatewayStack(app, 'VpcOffline', { config: withEndpoints, bundle: false, env });
    expect(app.synth().manifest.missing).toBeUndefined();
  });

  it('lets the VPC functions manage their network interfaces, in a policy of its own that each waits for', () => {
    // Prepare
    const app = new App({ context: STRICT_CONTEXT });
    const stack = new GatewayStack(app, 'VpcEni', { config: withVpc, bundle: false, env });
    const template = Template.fromStack(stack);
    const placed = Object.entries(FUNCTION_SPECS).filter(([, spec]) => spec.reachesTenantDatabases).map(([role]) => role as FunctionRole);

    // Assert
    expect(stack.functions.networkInterfacePolicies).toHaveLength(placed.length);
    for (const role of placed) {
      const fnId = stack.getLogicalId(stack.functions.byRole[role].node.defaultChild as never);
      const dependsOn = (template.toJSON().Resources[fnId].DependsOn ?? []) as string[];
      const policyIds = stack.functions.networkInterfacePolicies.map((policy) => stack.getLogicalId(policy.node.defaultChild as never));
      expect(dependsOn.filter((id) => policyIds.includes(id))).toHaveLength(1);
    }
    for (const policy of Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))) {
      const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
      const eni = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('ec2:')));
      // Network-interface actions never share a policy with anything else.
      if (eni.length > 0) expect(statements).toHaveLength(1);
    }
  });

  it('creates no VPC endpoint unless the stage asks for them (the subnets then route to a NAT)', () => {
    templateFor(withVpc, 'NoEndpoints').resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('creates SQS and Lambda interface endpoints in the function subnets, reachable on 443 from the functions only', () => {
    // Act
    const template = templateFor(withEndpoints, 'Endpoints');

    // Assert
    const endpoints = Object.values(resourcesOfType(template, 'AWS::EC2::VPCEndpoint'));
    expect(endpoints.map((endpoint) => endpoint.Properties.ServiceName).sort()).toEqual(['com.amazonaws.eu-west-1.lambda', 'com.amazonaws.eu-west-1.sqs']);
    for (const endpoint of endpoints) {
      expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true, SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], VpcId: 'vpc-0123456789abcdef0' });
    }
    const [group] = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroup'));
    expect(group?.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: 'sg-0123456789abcdef0' }),
    ]);
  });

  it.each([
    ['the VPC on', withVpc],
    ['the VPC endpoints on', withEndpoints],
  ])('passes cdk-nag with %s', (_name, config) => {
    const app = new App({ context: STRICT_CONTEXT });
    new GatewayStack(app, 'VpcNag', { config, bundle: false, env });
    addNagChecks(app);
    expect(() => app.synth()).not.toThrow();
  });
});
