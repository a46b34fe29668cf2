import { App } from 'aws-cdk-lib';
import { GatewayStack } from '../src/gateway-stack';
import { addNagChecks } from '../src/nag';
import { stageConfig } from '../src/stage-config';

// `cdk synth -c stage=prod [-c alarmEmail=ops@example.com]`; the stage defaults to dev (cdk.json).
const app = new App();
const config = stageConfig(app.node.tryGetContext('stage'), app.node.tryGetContext('alarmEmail'));
addNagChecks(app);
new GatewayStack(app, `WhatsappGateway-${config.stage}`, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
