import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_ROLES } from '../../src/functions';
import { synthGateway } from '../support/synth';

describe('bundling', () => {
  it('bundles every handler with local esbuild into an asset with a source map', () => {
    // Act
    const { stack, template } = synthGateway('dev', { bundle: true });

    // Assert
    const assembly = stack.node.root as unknown as { outdir: string };
    const functions = Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_ROLES.length);
    for (const fn of functions) {
      const hash = fn.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? '';
      expect(existsSync(path.join(assembly.outdir, `asset.${hash}`, 'index.js'))).toBe(true);
      expect(existsSync(path.join(assembly.outdir, `asset.${hash}`, 'index.js.map'))).toBe(true);
    }
  }, 120_000);
});
