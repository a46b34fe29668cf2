import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnResource } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FUNCTION_ROLES } from '../../src/functions';
import { resourcesOfType, synthGateway } from '../support/synth';

const { stack, template } = synthGateway();
const policies = resourcesOfType(template, 'AWS::IAM::Policy');
const roleRefOf = (fn: IFunction): unknown => stack.resolve((fn.role?.node.defaultChild as CfnRole).ref);
const brokerRoleRef = roleRefOf(stack.functions.byRole['credentials-broker']);

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
const statementsOf = (policy: { Properties: Record<string, unknown> }): Statement[] =>
  (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const isBrokerPolicy = (policy: { Properties: Record<string, unknown> }): boolean =>
  JSON.stringify(policy.Properties.Roles) === JSON.stringify([brokerRoleRef]);
/** Every statement of the policies attached to this function's role. */
const statementsOfFunction = (fn: IFunction): Statement[] => {
  const roleRef = JSON.stringify([roleRefOf(fn)]);
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === roleRef)
    .flatMap(statementsOf);
};

describe('IAM', () => {
  it('lets only the credentials broker read secrets', () => {
    // Prepare
    const readers = Object.values(policies).filter((policy) =>
      statementsOf(policy).some((statement) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:'))),
    );

    // Assert
    expect(readers).toHaveLength(1);
    expect(isBrokerPolicy(readers[0]!)).toBe(true);
  });

  it('limits GetSecretValue to the stage secret prefix', () => {
    // Prepare
    const statements = Object.values(policies).flatMap(statementsOf);
    const getSecret = statements.filter((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue'));

    // Assert
    expect(getSecret).toHaveLength(1);
    expect(actionsOf(getSecret[0]!)).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(getSecret[0]!.Resource)).toContain(':secret:wagw-dev/*');
  });

  it('lets every other function invoke the broker', () => {
    // Prepare
    const others = Object.entries(stack.functions.byRole).filter(([role]) => role !== 'credentials-broker');

    // Assert
    for (const [, fn] of others) {
      const roleRef = roleRefOf(fn);
      const own = Object.values(policies).filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]));
      const invokes = own.flatMap(statementsOf).filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
      expect(JSON.stringify(invokes)).toContain('CredentialsBroker');
    }
  });

  it('attaches no AWS managed policy to any role outside a VPC', () => {
    for (const role of Object.values(resourcesOfType(template, 'AWS::IAM::Role'))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(FUNCTION_ROLES)('lets %s write logs only to its own log group', (role) => {
    // Prepare
    const logGroup = stack.functions.byRole[role].logGroup.node.defaultChild as CfnResource;
    const logStatements = statementsOfFunction(stack.functions.byRole[role]).filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));

    // Assert
    expect(logStatements.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    for (const statement of logStatements) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(logGroup), 'Arn'] });
  });

  it('lets the receiver and the media function only put objects (and abort their own uploads) under their prefixes', () => {
    for (const [role, prefixes] of [
      ['webhook-receiver', ['raw', 'parked']],
      ['webhook-media', ['media']],
    ] as const) {
      const s3 = statementsOfFunction(stack.functions.byRole[role]).filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
      expect(s3.flatMap(actionsOf).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
      expect(s3.flatMap((statement) => [statement.Resource].flat()).map((resource) => JSON.stringify(resource).match(/"\/(\w+)\/\*"/)?.[1])).toEqual(prefixes);
    }
  });

  it('lets the sender read objects only under media/ and outbound/', () => {
    // Prepare
    const objectResources = statementsOfFunction(stack.functions.byRole['message-sender'])
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:GetObject')))
      .flatMap((statement) => [statement.Resource].flat())
      .map((resource) => JSON.stringify(resource))
      .filter((resource) => resource.includes('/'));

    // Assert
    expect(objectResources).toHaveLength(2);
    expect(objectResources.some((resource) => resource.includes('"/media/*"'))).toBe(true);
    expect(objectResources.some((resource) => resource.includes('"/outbound/*"'))).toBe(true);
  });

  it('uses a * resource only for the secrets actions that cannot be scoped', () => {
    // Prepare
    const wildcard = Object.values(policies)
      .flatMap(statementsOf)
      .filter((statement) => [statement.Resource].flat().includes('*'));

    // Assert
    expect(wildcard.flatMap(actionsOf).sort()).toEqual(['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets']);
  });
});
