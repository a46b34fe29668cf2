import { BrokerConfigSchema, loadConfig as loadBrokerConfig } from '@wagw/credentials-broker/config';
import { InboundWriterConfigSchema, loadConfig as loadInboundWriterConfig } from '@wagw/inbound-writer/config';
import { MessageSenderConfigSchema, loadConfig as loadMessageSenderConfig } from '@wagw/message-sender/config';
import { OutboundCollectorConfigSchema, loadConfig as loadCollectorConfig } from '@wagw/outbound-collector/config';
import { StatusSaverConfigSchema, loadConfig as loadStatusSaverConfig } from '@wagw/status-saver/config';
import { ReceiverConfigSchema, loadConfig as loadReceiverConfig } from '@wagw/webhook-receiver/config';
import { MediaConfigSchema, loadMediaConfig } from '@wagw/webhook-receiver/media-config';
import { LAMBDA_PROVIDED_KEYS, LOCAL_ONLY_KEYS, NODE_RUNTIME_ENV } from '../../src/function-environments';
import { FUNCTION_ROLES } from '../../src/functions';
import type { FunctionRole } from '../../src/functions';
import { resourcesOfType, synthGateway } from '../support/synth';

const { stack, template } = synthGateway();

/** The function's variables as deployed; references (queue URLs, bucket name) become sample values. */
const deployedEnv = (role: FunctionRole): Record<string, string> => {
  const logicalId = stack.getLogicalId(stack.functions.byRole[role].node.defaultChild as never);
  const variables = (template.toJSON().Resources[logicalId].Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(variables)
      .filter(([key]) => !(key in NODE_RUNTIME_ENV))
      .map(([key, value]) => [key, typeof value === 'string' ? value : key.endsWith('_URL') ? 'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo' : 'resolved']),
  );
};

const deployableKeys = (keys: string[]): string[] =>
  keys.filter((key) => !LAMBDA_PROVIDED_KEYS.includes(key) && !LOCAL_ONLY_KEYS.includes(key)).sort();

const EXPECTED: Record<FunctionRole, { keys: string[]; load: (env: Record<string, string>) => unknown }> = {
  'webhook-receiver': { keys: Object.keys(ReceiverConfigSchema.shape), load: loadReceiverConfig },
  'webhook-media': { keys: Object.keys(MediaConfigSchema.shape), load: loadMediaConfig },
  'inbound-writer': { keys: Object.keys(InboundWriterConfigSchema.shape), load: loadInboundWriterConfig },
  'outbound-collector': { keys: Object.keys(OutboundCollectorConfigSchema.shape), load: loadCollectorConfig },
  'message-sender': { keys: Object.keys(MessageSenderConfigSchema.shape), load: loadMessageSenderConfig },
  'status-saver': { keys: Object.keys(StatusSaverConfigSchema.shape), load: loadStatusSaverConfig },
  'credentials-broker': { keys: Object.keys(BrokerConfigSchema.shape), load: loadBrokerConfig },
};

describe('function environments', () => {
  it.each(FUNCTION_ROLES)('gives %s exactly the keys of its config schema (less Lambda-provided and local-only keys)', (role) => {
    expect(Object.keys(deployedEnv(role)).sort()).toEqual(deployableKeys(EXPECTED[role].keys));
  });

  it.each(FUNCTION_ROLES)('gives %s variables its config accepts', (role) => {
    expect(() => EXPECTED[role].load({ ...deployedEnv(role), AWS_REGION: 'eu-west-1' })).not.toThrow();
  });

  it('records a media failure on the last delivery before the media-jobs DLQ', () => {
    expect(Number(deployedEnv('webhook-media').MEDIA_MAX_ATTEMPTS)).toBe(stack.queues.byRole['media-jobs'].maxReceiveCount - 1);
  });

  it('ends each collector run inside its timeout and 5 s before the next scheduled run', () => {
    // Prepare
    const runSeconds = Number(deployedEnv('outbound-collector').COLLECTOR_RUN_SECONDS);
    const timeout = stack.functions.byRole['outbound-collector'].timeout?.toSeconds() ?? 0;
    const [rule] = Object.values(resourcesOfType(template, 'AWS::Events::Rule'));

    // Assert
    expect(runSeconds).toBe(50);
    expect(timeout).toBeGreaterThan(runSeconds);
    expect(rule?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(60).toBeGreaterThanOrEqual(runSeconds + 5);
  });

  it('gives the sender time for one media upload, two sends and 2 s of margin (or s3_key media never start)', () => {
    // Prepare
    const env = deployedEnv('message-sender');
    const neededSeconds = (Number(env.MEDIA_UPLOAD_TIMEOUT_MS) + 2 * Number(env.SEND_TIMEOUT_MS) + 2000) / 1000;
    const timeout = stack.functions.byRole['message-sender'].timeout?.toSeconds() ?? 0;

    // Assert
    expect(neededSeconds).toBe(52);
    expect(timeout).toBeGreaterThan(neededSeconds);
  });
});
