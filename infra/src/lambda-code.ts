import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { bundleLambda } from './lambda-bundle';

/** The repository root: FUNCTION_ENTRIES paths are relative to it. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Bundles in this process with the workspace's esbuild (see lambda-bundle.ts); never falls back to Docker. */
class EsbuildBundling implements ILocalBundling {
  /**
   * @param entry the handler, relative to the repository root. A data property on purpose: CDK keys its
   * in-process asset cache on the JSON of the bundling options, so two functions whose handlers share a
   * directory (webhook-receiver, webhook-media) would otherwise get the same asset.
   */
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    bundleLambda(path.join(REPO_ROOT, this.entry), outputDir);
    return true;
  }
}

/**
 * The Lambda code of a handler (`entry` relative to the repository root): an asset holding `index.mjs`
 * (handler `index.handler`), its chunks and source maps, hashed by its content.
 */
export const lambdaCode = (entry: string): Code => {
  const bundling: BundlingOptions = {
    // Required by the type, never pulled or run: the local bundling above always succeeds or throws.
    image: DockerImage.fromRegistry('local-bundling-only'),
    local: new EsbuildBundling(entry),
  };
  return Code.fromAsset(path.dirname(path.join(REPO_ROOT, entry)), { assetHashType: AssetHashType.OUTPUT, bundling });
};
