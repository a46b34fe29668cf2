import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { FUNCTION_ENTRIES } from '@wagw/infra/function-entries';
import type { FunctionEntryName } from '@wagw/infra/function-entries';
import { bundleLambda } from '@wagw/infra/lambda-bundle';
import type { LambdaBundle } from '@wagw/infra/lambda-bundle';
import { median } from './stats';

export interface BundleResult {
  name: string;
  /** index.mjs: what Lambda loads first. */
  indexKb: number;
  /** index.mjs and the chunks it imports statically: the JavaScript parsed at cold start. */
  coldStartKb: number;
  /** Every .mjs of the asset, lazy chunks included. */
  totalJsKb: number;
  /** The asset as Lambda receives it: every file (source maps too) deflated, with zip headers. */
  zippedKb: number;
  /** Number of .mjs files (index + chunks). */
  modules: number;
  /** mssql (or its driver tedious) is in the asset. */
  containsMssql: boolean;
  /** mssql is evaluated at cold start (in a chunk index.mjs imports statically, not behind import()). */
  mssqlAtColdStart: boolean;
  /** KB of the files holding mssql/tedious (with what only they use: iconv-lite, @js-joda, @azure/*…). */
  mssqlChunksKb: number;
  /** Median import of index.mjs in a fresh node, from a directory with no node_modules (as in Lambda). */
  coldImportMs: number | undefined;
  /** Of the JavaScript loaded at cold start, what the AWS SDK (@aws-sdk, @smithy, @aws-crypto, @aws) accounts for. */
  sdkColdStartKb: number;
  /** The packages that weigh most in the asset's JavaScript, `name KB`, largest first. */
  largestPackages: string[];
  /** Build or import failure, if any. */
  error: string | undefined;
  reachesTenantDatabases: boolean;
}

const MSSQL_INPUT = /(^|[/\\])node_modules[/\\](mssql|tedious)[/\\]/;
const SDK_PACKAGE = /^@(aws-sdk|smithy|aws-crypto|aws)\//;

/** `node_modules/.pnpm/x@1/node_modules/@scope/name/…` → `@scope/name`; workspace sources → `workspace`. */
const packageOf = (path: string): string => {
  const parts = path.split(/[/\\]/);
  const index = parts.lastIndexOf('node_modules');
  if (index < 0) return 'workspace';
  const first = parts[index + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[index + 2] ?? ''}` : first;
};

/** Size of a zip of `files` as cdk-assets builds it (deflate level 9): compressed data + local and central headers. */
const zippedBytes = (dir: string, files: readonly string[]): number =>
  files.reduce((total, file) => total + deflateRawSync(readFileSync(join(dir, file)), { level: 9 }).length + 30 + 46 + 2 * file.length, 22);

/** What the asset holds and what of it index.mjs loads at cold start, from esbuild's metafile. */
const analyse = (dir: string, bundle: LambdaBundle) => {
  const outputs = bundle.metafile.outputs;
  const modules = Object.keys(outputs).filter((file) => file.endsWith('.mjs'));
  const eager = new Set<string>();
  const pending = ['index.mjs'];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (eager.has(file)) continue;
    eager.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && imported.external !== true) pending.push(imported.path);
    }
  }
  const sizeOf = (file: string): number => statSync(join(dir, file)).size;
  const byPackage = new Map<string, number>();
  const mssqlFiles = new Set<string>();
  let sdkColdStartBytes = 0;
  for (const file of modules) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[file]?.inputs ?? {})) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      if (eager.has(file) && SDK_PACKAGE.test(packageOf(input))) sdkColdStartBytes += bytesInOutput;
      if (MSSQL_INPUT.test(input) && bytesInOutput > 0) mssqlFiles.add(file);
    }
  }
  return {
    indexBytes: sizeOf('index.mjs'),
    coldStartBytes: [...eager].reduce((total, file) => total + sizeOf(file), 0),
    sdkColdStartBytes,
    totalJsBytes: modules.reduce((total, file) => total + sizeOf(file), 0),
    zippedBytes: zippedBytes(dir, bundle.files),
    modules: modules.length,
    mssqlChunksBytes: [...mssqlFiles].reduce((total, file) => total + sizeOf(file), 0),
    mssqlAtColdStart: [...mssqlFiles].some((file) => eager.has(file)),
    largestPackages: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)} KB`),
  };
};

const IMPORT_SCRIPT = (file: string): string =>
  `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;

/** Median of `runs` imports of `file`, each in a fresh node process (as a Lambda cold start loads it). */
const coldImport = (file: string, env: Readonly<Record<string, string>>, runs: number): { ms?: number; error?: string } => {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT(file)], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      timeout: 30_000,
    });
    if (child.status !== 0) {
      const firstLine = (child.stderr || child.stdout).split('\n').find((line) => /error/i.test(line)) ?? 'exit ' + String(child.status);
      return { error: firstLine.trim().slice(0, 200) };
    }
    samples.push(Number(child.stdout.trim().split('\n').pop()));
  }
  return { ms: median(samples) };
};

/**
 * Bundles every function exactly as deployed (bundleLambda, the function CDK's asset bundling calls)
 * and measures each asset: sizes, what loads at cold start, and cold import time.
 */
export const benchBundles = (root: string, env: Readonly<Record<string, string>>, runs: number): BundleResult[] => {
  // <work>/<fn>/index.mjs in a temporary directory: nothing to resolve outside the asset, as in Lambda.
  const work = mkdtempSync(join(tmpdir(), 'wagw-bundles-'));
  try {
    const results: BundleResult[] = [];
    for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionEntryName[]) {
      const { entry, reachesTenantDatabases } = FUNCTION_ENTRIES[name];
      try {
        const dir = join(work, name);
        const bundle = bundleLambda(resolve(root, entry), dir);
        const facts = analyse(dir, bundle);
        const imported = coldImport(join(dir, 'index.mjs'), env, runs);
        const error = imported.error;
        results.push({
          name,
          indexKb: facts.indexBytes / 1024,
          coldStartKb: facts.coldStartBytes / 1024,
          totalJsKb: facts.totalJsBytes / 1024,
          zippedKb: facts.zippedBytes / 1024,
          modules: facts.modules,
          containsMssql: facts.mssqlChunksBytes > 0,
          mssqlAtColdStart: facts.mssqlAtColdStart,
          mssqlChunksKb: facts.mssqlChunksBytes / 1024,
          coldImportMs: imported.ms,
          sdkColdStartKb: facts.sdkColdStartBytes / 1024,
          largestPackages: facts.largestPackages,
          error: error === undefined ? undefined : `import: ${error}`,
          reachesTenantDatabases,
        });
      } catch (error) {
        const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
        results.push({
          name,
          indexKb: Number.NaN,
          coldStartKb: Number.NaN,
          totalJsKb: Number.NaN,
          zippedKb: Number.NaN,
          modules: 0,
          containsMssql: false,
          mssqlAtColdStart: false,
          mssqlChunksKb: 0,
          coldImportMs: undefined,
          sdkColdStartKb: Number.NaN,
          largestPackages: [],
          error: `build: ${message.slice(0, 200)}`,
          reachesTenantDatabases,
        });
      }
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
