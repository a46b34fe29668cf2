import { App } from 'aws-cdk-lib';
import { GatewayStack } from '../../src/gateway-stack';
import { addNagChecks } from '../../src/nag';
import { stageConfig } from '../../src/stage-config';
import type { StageName } from '../../src/stage-config';
import { STRICT_CONTEXT } from '../support/synth';

describe('cdk-nag AwsSolutions', () => {
  it.each<[StageName, { account: string; region: string } | undefined]>([
    ['dev', { account: '123456789012', region: 'eu-west-1' }],
    ['prod', undefined],
  ])('synthesizes %s with no unacknowledged finding (env %j)', (stage, env) => {
    // Prepare
    const app = new App({ context: STRICT_CONTEXT });
    new GatewayStack(app, `Nag-${stage}`, { config: stageConfig(stage), bundle: false, ...(env ? { env } : {}) });
    addNagChecks(app);

    // Act / Assert
    expect(() => app.synth()).not.toThrow();
  });
});
