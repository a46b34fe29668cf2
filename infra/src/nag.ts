import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { App, CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { GatewayStack } from './gateway-stack';
import { FUNCTION_ROLES } from './functions';

/** Runs the cdk-nag AwsSolutions pack on every synth; any unacknowledged finding fails it. */
export const addNagChecks = (app: App): void => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
};

const acknowledge = (scope: IConstruct, id: string, reason: string): void => Validations.of(scope).acknowledge({ id, reason });

/** `<LogicalId.Arn>` as cdk-nag writes a resource reference in a finding id. */
const arnRef = (resource: IConstruct): string => `<${Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnResource)}.Arn>`;

/** A region or account as cdk-nag prints it: literal, or the pseudo parameter when not known at synth. */
const pseudo = (value: string, name: string): string => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);

/**
 * The gateway's accepted AwsSolutions findings, each on the one construct it concerns and with its
 * reason. Anything not listed here fails the synth.
 */
export const acknowledgeNagFindings = (stack: GatewayStack): void => {
  const fns = stack.functions.byRole;
  const bucket = stack.bucket.bucket;

  acknowledge(stack.bucket.accessLogs, 'AwsSolutions-S1', 'This is the access-log bucket itself; logging it into itself would log forever.');

  for (const route of stack.api.api.node.findAll().filter((node) => node.node.id.includes('--'))) {
    acknowledge(route, 'AwsSolutions-APIG4', 'Webhook callers (Meta, Whapi) cannot use IAM or JWT auth; the receiver verifies the Meta signature and the per-channel Whapi secret on every request, and /health is public by design.');
  }

  for (const role of FUNCTION_ROLES) {
    const fn = fns[role];
    acknowledge(fn, 'AwsSolutions-L1', 'nodejs22.x is the runtime the services are built and tested for (issue 5); moving to a newer runtime is a separate change.');
    const serviceRole = fn.role;
    if (serviceRole === undefined) continue;
    if (role !== 'credentials-broker') {
      acknowledge(serviceRole, `AwsSolutions-IAM5[Resource::${arnRef(fns['credentials-broker'])}:*]`, 'grantInvoke also covers the broker\'s versions and aliases (ARN:qualifier); the function itself is named.');
    }
  }

  for (const policy of stack.functions.networkInterfacePolicies) {
    acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', 'The network-interface actions Lambda needs to place a function in the configured subnets; AWS documents them on resource *.');
  }

  const bucketArn = arnRef(bucket);
  const receiverRole = fns['webhook-receiver'].role;
  const mediaRole = fns['webhook-media'].role;
  const senderRole = fns['message-sender'].role;
  const brokerRole = fns['credentials-broker'].role;
  if (receiverRole) {
    acknowledge(receiverRole, `AwsSolutions-IAM5[Resource::${bucketArn}/raw/*]`, 'Writes raw webhook bodies under raw/ only; object keys are content hashes.');
    acknowledge(receiverRole, `AwsSolutions-IAM5[Resource::${bucketArn}/parked/*]`, 'Parks events it cannot route yet under parked/ only (replayed by the gateway CLI).');
  }
  if (mediaRole) {
    acknowledge(mediaRole, `AwsSolutions-IAM5[Resource::${bucketArn}/media/*]`, 'Writes downloaded media under media/ only; keys are per tenant and message.');
  }
  if (senderRole) {
    acknowledge(senderRole, `AwsSolutions-IAM5[Resource::${bucketArn}/media/*]`, 'Reads the media a row names by s3_key under media/{tenant}/ (tenant checked in code).');
    acknowledge(senderRole, `AwsSolutions-IAM5[Resource::${bucketArn}/outbound/*]`, 'Reads the files tenants upload under outbound/{tenant}/ for a row\'s s3_key (tenant checked in code).');
  }
  if (brokerRole) {
    acknowledge(
      brokerRole,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:secret:${stack.config.secretsPrefix}/*]`,
      'The broker reads every meta-app and tenant secret under the stage prefix; secret names are not known at deploy time.',
    );
    acknowledge(brokerRole, 'AwsSolutions-IAM5[Resource::*]', 'secretsmanager:ListSecrets and BatchGetSecretValue support no resource-level permissions; values still need GetSecretValue on the prefix.');
  }
};
