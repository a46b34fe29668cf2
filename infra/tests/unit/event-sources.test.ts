import { QUEUE_ROLES } from '@wagw/emulator/gateway-resources';
import { stageConfig } from '../../src/stage-config';
import { resourcesOfType, synthGateway } from '../support/synth';

const { template } = synthGateway();
const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

describe('event source mappings', () => {
  it('consumes every gateway queue once', () => {
    expect(mappings).toHaveLength(QUEUE_ROLES.length);
  });

  it('reports batch item failures on every mapping', () => {
    for (const mapping of mappings) expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('sets a batch size and the stage maximum concurrency on every mapping', () => {
    for (const mapping of mappings) {
      expect(mapping.Properties.BatchSize).toEqual(expect.any(Number));
      expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: stageConfig('dev').queueConsumerConcurrency });
    }
  });
});
