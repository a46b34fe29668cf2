import type { QueueRole } from '@wagw/contracts';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MEDIA_PREFIX, OUTBOUND_PREFIX, PARKED_PREFIX, RAW_PREFIX } from './bucket';
import { FUNCTION_ENTRIES } from './function-entries';
import type { FunctionEntry, FunctionEntryName } from './function-entries';
import { functionEnvironments, NODE_RUNTIME_ENV } from './function-environments';
import { lambdaCode } from './lambda-code';
import type { GatewayQueue } from './queues';
import { pascal } from './queues';
import type { StageConfig } from './stage-config';
import { VpcAccess } from './vpc-access';

export type FunctionRole = FunctionEntryName;

/** A function's handler and database reach (function-entries.ts), and how it runs. */
interface FunctionSpec extends FunctionEntry {
  timeout: Duration;
  memorySize: number;
  /** The queue it consumes, with the batch size of its event source mapping. */
  consumes?: { role: QueueRole; batchSize: number };
}

/**
 * One entry per handler; a queue consumer's timeout sets its queue's visibility timeout (× 6). A
 * function that reaches tenant databases is placed in the VPC when the stage enables one.
 */
export const FUNCTION_SPECS: Readonly<Record<FunctionRole, FunctionSpec>> = {
  // 25 s: most of what API Gateway waits (30 s). A webhook whose archive or enqueue takes longer ends in
  // a 5xx, and the provider delivers it again.
  'webhook-receiver': { ...FUNCTION_ENTRIES['webhook-receiver'], timeout: Duration.seconds(25), memorySize: 512 },
  'webhook-media': {
    ...FUNCTION_ENTRIES['webhook-media'],
    timeout: Duration.seconds(120),
    memorySize: 1024,
    consumes: { role: 'media-jobs', batchSize: 1 },
  },
  'inbound-writer': {
    ...FUNCTION_ENTRIES['inbound-writer'],
    timeout: Duration.seconds(30),
    memorySize: 512,
    consumes: { role: 'inbound-events', batchSize: 10 },
  },
  'outbound-collector': { ...FUNCTION_ENTRIES['outbound-collector'], timeout: Duration.seconds(70), memorySize: 512 },
  'message-sender': {
    ...FUNCTION_ENTRIES['message-sender'],
    timeout: Duration.seconds(60),
    memorySize: 512,
    consumes: { role: 'outbound-messages', batchSize: 10 },
  },
  'status-saver': {
    ...FUNCTION_ENTRIES['status-saver'],
    timeout: Duration.seconds(30),
    memorySize: 512,
    consumes: { role: 'status-events', batchSize: 10 },
  },
  'credentials-broker': { ...FUNCTION_ENTRIES['credentials-broker'], timeout: Duration.seconds(10), memorySize: 256 },
};

/** What Lambda needs to attach a function to subnets; EC2 scopes none of these to a resource Lambda can name. */
const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** Streamed uploads (lib-storage): single PUT or multipart, and aborting its own multipart upload. */
const WRITE_OBJECTS = ['s3:PutObject', 's3:AbortMultipartUpload'];

export const FUNCTION_ROLES = Object.keys(FUNCTION_SPECS) as FunctionRole[];

/** Each queue's consumer timeout, from the specs above. */
export const consumerTimeouts = (): Record<QueueRole, Duration> => {
  const timeouts = {} as Record<QueueRole, Duration>;
  for (const spec of Object.values(FUNCTION_SPECS)) if (spec.consumes) timeouts[spec.consumes.role] = spec.timeout;
  return timeouts;
};

export interface FunctionsProps {
  config: StageConfig;
  queues: Readonly<Record<QueueRole, GatewayQueue>>;
  bucket: Bucket;
  /**
   * false: every function gets a small inline stub instead of its esbuild bundle (template unit tests,
   * which assert on everything but the code). Default true.
   */
  bundle?: boolean;
}

/**
 * One function per service handler (nodejs22.x, arm64, source maps, local esbuild), each with its own
 * log group and exactly its config schema's variables; queue consumers report batch item failures.
 * Only the broker reads secrets; every other function may only invoke the broker.
 */
export class Functions extends Construct {
  readonly byRole: Readonly<Record<FunctionRole, LambdaFunction>>;
  /** Function names, set explicitly so that env vars and IAM can name them without a reference cycle. */
  readonly names: Readonly<Record<FunctionRole, string>>;
  /** In a VPC: the network-interface permissions of the functions placed there (the actions of
   * AWSLambdaVPCAccessExecutionRole without its logs-on-* part). */
  readonly networkInterfacePolicies: Policy[] = [];

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { config, queues, bucket } = props;
    const names = {} as Record<FunctionRole, string>;
    for (const role of FUNCTION_ROLES) names[role] = `${config.namePrefix}-${role}`;
    this.names = names;

    const environments = functionEnvironments({ config, queues, bucket, names });

    const vpcPlacement = config.vpc.enabled ? new VpcAccess(this, 'VpcAccess', config.vpc).placement : {};
    const byRole = {} as Record<FunctionRole, LambdaFunction>;
    for (const role of FUNCTION_ROLES) {
      const spec = FUNCTION_SPECS[role];
      const id = pascal(role);
      const logGroup = new LogGroup(this, `${id}Logs`, {
        logGroupName: `/aws/lambda/${names[role]}`,
        retention: config.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const common = {
        functionName: names[role],
        role: this.executionRole(id, logGroup),
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        timeout: spec.timeout,
        memorySize: spec.memorySize,
        logGroup,
        environment: { ...environments[role], ...NODE_RUNTIME_ENV },
        ...(role === 'outbound-collector' && config.collectorReservedConcurrency !== undefined
          ? { reservedConcurrentExecutions: config.collectorReservedConcurrency }
          : {}),
        ...(spec.reachesTenantDatabases ? vpcPlacement : {}),
      };
      byRole[role] =
        props.bundle === false
          ? new LambdaFunction(this, id, { ...common, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({});') })
          : new LambdaFunction(this, id, { ...common, handler: 'index.handler', code: lambdaCode(spec.entry) });
      if (spec.reachesTenantDatabases && config.vpc.enabled) this.allowNetworkInterfaces(id, common.role, byRole[role]);
      if (spec.consumes) {
        byRole[role].addEventSource(
          new SqsEventSource(queues[spec.consumes.role].queue, {
            batchSize: spec.consumes.batchSize,
            reportBatchItemFailures: true,
            maxConcurrency: config.queueConsumerConcurrency,
          }),
        );
      }
    }
    this.byRole = byRole;
    // A missed collector run is superseded by the next minute's: no retry (a retried fan-out would start
    // a second wave of tenant runs) and no run that starts long after it was asked for.
    byRole['outbound-collector'].configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(2) });
    this.grant(props, byRole, names);
  }

  /**
   * The function's own role: it may write only to its own log group (instead of the managed basic
   * execution policy, which allows every log group).
   */
  private executionRole(id: string, logGroup: LogGroup): Role {
    const role = new Role(this, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    return role;
  }

  /**
   * The network-interface actions, in a policy of their own (its `*` is acknowledged there and nowhere
   * else); the function waits for it, since Lambda checks them when it creates a function in a VPC.
   */
  private allowNetworkInterfaces(id: string, role: Role, fn: LambdaFunction): void {
    const policy = new Policy(this, `${id}NetworkInterfaces`, {
      roles: [role],
      statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: VPC_NETWORK_INTERFACE_ACTIONS, resources: ['*'] })],
    });
    fn.node.addDependency(policy);
    this.networkInterfacePolicies.push(policy);
  }

  private grant(props: FunctionsProps, fns: Record<FunctionRole, LambdaFunction>, names: Record<FunctionRole, string>): void {
    const { queues, bucket, config } = props;
    const brokerFn: IFunction = fns['credentials-broker'];
    const allow = (fn: LambdaFunction, actions: string[], resources: string[]): void => {
      fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources }));
    };
    for (const role of FUNCTION_ROLES) if (role !== 'credentials-broker') brokerFn.grantInvoke(fns[role]);

    queues['inbound-events'].queue.grantSendMessages(fns['webhook-receiver']);
    queues['status-events'].queue.grantSendMessages(fns['webhook-receiver']);
    allow(fns['webhook-receiver'], WRITE_OBJECTS, [bucket.arnForObjects(`${RAW_PREFIX}*`), bucket.arnForObjects(`${PARKED_PREFIX}*`)]);

    queues['inbound-events'].queue.grantSendMessages(fns['webhook-media']);
    allow(fns['webhook-media'], WRITE_OBJECTS, [bucket.arnForObjects(`${MEDIA_PREFIX}*`)]);

    queues['media-jobs'].queue.grantSendMessages(fns['inbound-writer']);

    queues['outbound-messages'].queue.grantSendMessages(fns['outbound-collector']);
    // The schedule run invokes this same function once per tenant; named by ARN to avoid a cycle.
    fns['outbound-collector'].addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: names['outbound-collector'], arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );

    queues['status-events'].queue.grantSendMessages(fns['message-sender']);
    // Media a row names by s3_key: the gateway's own downloads and the tenants' uploads (tenant checked in code).
    allow(fns['message-sender'], ['s3:GetObject'], [bucket.arnForObjects(`${MEDIA_PREFIX}*`), bucket.arnForObjects(`${OUTBOUND_PREFIX}*`)]);
    // Without ListBucket a missing key answers 403 instead of 404 (a row naming no file must fail clearly).
    allow(fns['message-sender'], ['s3:ListBucket'], [bucket.bucketArn]);

    // Secret names are `{prefix}/meta-apps/{appId}` and `{prefix}/tenants/{tenantId}`.
    const secretArn = Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${config.secretsPrefix}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    fns['credentials-broker'].addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
    );
    // ListSecrets and BatchGetSecretValue do not support resource-level permissions; BatchGet still
    // needs GetSecretValue on each secret (above), so the broker reads nothing outside its prefix.
    fns['credentials-broker'].addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'], resources: ['*'] }),
    );
  }
}
