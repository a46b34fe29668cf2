import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_ENTRIES } from '../../src/function-entries';
import { FUNCTION_ROLES, FUNCTION_SPECS } from '../../src/functions';
import type { FunctionRole } from '../../src/functions';
import { coldStartFiles, mapSources, moduleFiles, MSSQL_SOURCE } from '../support/lambda-asset';
import { synthGateway } from '../support/synth';

interface DeployedFunction {
  handler: string;
  assetHash: string;
  /** The staged asset directory in the cloud assembly: what is zipped and uploaded. */
  dir: string;
}

type FunctionResource = { Type: string; Properties: { FunctionName?: string; Handler?: string; Code?: { S3Key?: string } } };

/** Synthesizes the dev stage with real bundles once; every test reads the assets it staged. */
const synthesizeWithBundles = (): Record<FunctionRole, DeployedFunction> => {
  const { stack, template } = synthGateway('dev', { bundle: true });
  const outdir = (stack.node.root as unknown as { outdir: string }).outdir;
  const deployed = {} as Record<FunctionRole, DeployedFunction>;
  for (const resource of Object.values(template.toJSON().Resources as Record<string, FunctionResource>)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const role = FUNCTION_ROLES.find((candidate) => resource.Properties.FunctionName?.endsWith(`-${candidate}`));
    if (role === undefined) throw new Error(`no role for function ${resource.Properties.FunctionName}`);
    const assetHash = resource.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? '';
    deployed[role] = { handler: resource.Properties.Handler ?? '', assetHash, dir: path.join(outdir, `asset.${assetHash}`) };
  }
  return deployed;
};

/** Every source of every file of an asset. */
const assetSources = (dir: string): string[] => moduleFiles(dir).flatMap((file) => mapSources(dir, file));

describe('bundling (dev stage synthesized with bundle: true)', () => {
  let deployed: Record<FunctionRole, DeployedFunction>;

  beforeAll(() => {
    deployed = synthesizeWithBundles();
  }, 180_000);

  it('gives every function its own asset: index.mjs (handler index.handler), its chunks, a source map for each', () => {
    expect(Object.keys(deployed).sort()).toEqual([...FUNCTION_ROLES].sort());
    expect(new Set(FUNCTION_ROLES.map((role) => deployed[role].assetHash)).size).toBe(FUNCTION_ROLES.length);
    for (const role of FUNCTION_ROLES) {
      const { handler, dir } = deployed[role];
      expect(handler).toBe('index.handler');
      expect(existsSync(path.join(dir, 'index.mjs'))).toBe(true);
      for (const file of moduleFiles(dir)) expect(existsSync(path.join(dir, `${file}.map`))).toBe(true);
      // The asset is this role's handler, not another one from the same directory.
      expect(mapSources(dir, 'index.mjs')).toContain(FUNCTION_ENTRIES[role].entry);
    }
  });

  it('leaves PGlite (local mode only) out of every asset', () => {
    for (const role of FUNCTION_ROLES) expect(assetSources(deployed[role].dir).filter((source) => source.includes('@electric-sql/pglite'))).toEqual([]);
  });

  it('bundles the AWS SDK the tests ran with, instead of relying on the runtime\'s copy', () => {
    for (const [role, client] of [
      ['webhook-receiver', 'client-s3'],
      ['webhook-receiver', 'lib-storage'],
      ['message-sender', 'client-sqs'],
      ['credentials-broker', 'client-secrets-manager'],
      ['inbound-writer', 'client-lambda'],
    ] as const) {
      expect({ role, client, bundled: assetSources(deployed[role].dir).some((source) => source.includes(`@aws-sdk/${client}/`)) }).toEqual({ role, client, bundled: true });
    }
  });

  it('carries mssql and tedious only in the functions that reach tenant databases', () => {
    for (const role of FUNCTION_ROLES) {
      const carriesMssql = assetSources(deployed[role].dir).some((source) => MSSQL_SOURCE.test(source));
      expect({ role, carriesMssql }).toEqual({ role, carriesMssql: FUNCTION_SPECS[role].reachesTenantDatabases });
    }
  });

  it('keeps mssql and tedious out of what index.mjs loads at cold start: they sit behind a dynamic import()', () => {
    for (const role of FUNCTION_ROLES.filter((candidate) => FUNCTION_SPECS[candidate].reachesTenantDatabases)) {
      const { dir } = deployed[role];
      const eager = coldStartFiles(dir);
      const eagerMssql = [...eager].filter((file) => mapSources(dir, file).some((source) => MSSQL_SOURCE.test(source)));
      const lazyMssql = moduleFiles(dir).filter((file) => !eager.has(file) && mapSources(dir, file).some((source) => MSSQL_SOURCE.test(source)));
      expect({ role, eagerMssql }).toEqual({ role, eagerMssql: [] });
      expect(lazyMssql.length).toBeGreaterThan(0);
    }
  });
});
