import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { median } from './stats';

export interface FunctionEntry {
  /** Function name as deployed, e.g. 'webhook-receiver'. */
  name: string;
  /** Handler source, relative to the repository root. */
  entry: string;
  /** Does this function talk to SQL Server (and so may carry mssql)? */
  talksToSqlServer: boolean;
  /** Environment the module sees at require time (its config is parsed at cold start). */
  env: Record<string, string>;
}

export interface BundleResult {
  name: string;
  sizeKb: number;
  /** Size with @aws-sdk/* and @smithy/* left external (the runtime's copy), for context. */
  sdkExternalKb: number;
  /** mssql (or its driver tedious) is in the bundle. */
  containsMssql: boolean;
  /** mssql is evaluated at cold start (reachable from the entry without a dynamic import()). */
  mssqlAtColdStart: boolean;
  /** KB of the bundle's input that comes from mssql/tedious. */
  mssqlInputKb: number;
  coldRequireMs: number | undefined;
  /** Cold require of the SDK-external bundle with @aws-sdk/* and @smithy/* stubbed: the gateway's own share. */
  ownCodeRequireMs: number | undefined;
  /** The packages that weigh most in the output, `name KB`, largest first. */
  largestPackages: string[];
  /** Build or require failure, if any. */
  error: string | undefined;
  talksToSqlServer: boolean;
}

const MSSQL_INPUT = /(^|[/\\])(node_modules[/\\](\.pnpm[/\\][^/\\]+[/\\]node_modules[/\\])?)(mssql|tedious)[/\\]/;

/** `node_modules/.pnpm/x@1/node_modules/@scope/name/…` → `@scope/name`; workspace sources → `workspace`. */
const packageOf = (path: string): string => {
  const parts = path.split(/[/\\]/);
  const index = parts.lastIndexOf('node_modules');
  if (index < 0) return 'workspace';
  const first = parts[index + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[index + 2] ?? ''}` : first;
};

// Optional native add-ons and runtime-specific modules that drivers require only when present.
const OPTIONAL_NATIVE = ['pg-native', 'cloudflare:sockets'];

const bundleOne = async (root: string, outDir: string, fn: FunctionEntry) => {
  const outfile = join(outDir, `${fn.name}.cjs`);
  // For context only: the size when the AWS SDK is left to the nodejs22.x runtime, which ships it.
  const sdkExternalFile = join(outDir, `${fn.name}.sdk-external.cjs`);
  await build({
    entryPoints: [resolve(root, fn.entry)],
    outfile: sdkExternalFile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    logLevel: 'silent',
    external: [...OPTIONAL_NATIVE, '@aws-sdk/*', '@smithy/*'],
  });
  const result = await build({
    entryPoints: [resolve(root, fn.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    external: OPTIONAL_NATIVE,
  });
  let mssqlBytes = 0;
  for (const [path, input] of Object.entries(result.metafile.inputs)) {
    if (MSSQL_INPUT.test(path)) mssqlBytes += input.bytes;
  }
  // Inputs can be tree-shaken away; what counts is what reached the output.
  const output = Object.values(result.metafile.outputs)[0];
  let mssqlInOutput = 0;
  for (const [path, contribution] of Object.entries(output?.inputs ?? {})) {
    if (MSSQL_INPUT.test(path)) mssqlInOutput += contribution.bytesInOutput;
  }
  // What runs at require time: the entry's closure over static imports (dynamic import() runs later).
  const eager = new Set<string>();
  const pending = output?.entryPoint === undefined ? [] : [output.entryPoint];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (eager.has(path)) continue;
    eager.add(path);
    for (const imported of result.metafile.inputs[path]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && !imported.external) pending.push(imported.path);
    }
  }
  const mssqlAtColdStart = [...eager].some((path) => MSSQL_INPUT.test(path));
  const byPackage = new Map<string, number>();
  for (const [path, contribution] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + contribution.bytesInOutput);
  }
  const largestPackages = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)} KB`);
  return {
    outfile,
    sdkExternalFile,
    sdkExternalBytes: (await stat(sdkExternalFile)).size,
    sizeBytes: (await stat(outfile)).size, mssqlBytes: mssqlInOutput > 0 ? mssqlBytes : 0,
    largestPackages,
    mssqlAtColdStart,
  };
};

const REQUIRE_SCRIPT = (bundle: string): string =>
  `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;

// Every @aws-sdk/* or @smithy/* module becomes an inert stand-in, so only the gateway's code is timed.
const STUB_SDK =
  "const M=require('module'),load=M._load;const stub=new Proxy(function(){},{get:()=>stub,construct:()=>stub,apply:()=>stub});" +
  "M._load=function(r,...a){return /^@(aws-sdk|smithy)\\//.test(r)?stub:load.call(this,r,...a)};";

/** Median of `runs` cold requires, each in a fresh node process (as a Lambda cold start loads the file). */
const coldRequire = (bundle: string, env: Record<string, string>, runs: number, stubSdk = false): { ms?: number; error?: string } => {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const child = spawnSync(process.execPath, ['-e', (stubSdk ? STUB_SDK : '') + REQUIRE_SCRIPT(bundle)], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'silent', ...env },
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

export const benchBundles = async (root: string, functions: readonly FunctionEntry[], runs: number): Promise<BundleResult[]> => {
  const outDir = await mkdtemp(join(tmpdir(), 'wagw-bundles-'));
  try {
    const results: BundleResult[] = [];
    for (const fn of functions) {
      try {
        const bundle = await bundleOne(root, outDir, fn);
        const required = coldRequire(bundle.outfile, fn.env, runs);
        const ownCode = coldRequire(bundle.sdkExternalFile, fn.env, runs, true);
        results.push({
          name: fn.name,
          sizeKb: bundle.sizeBytes / 1024,
          sdkExternalKb: bundle.sdkExternalBytes / 1024,
          containsMssql: bundle.mssqlBytes > 0,
          mssqlAtColdStart: bundle.mssqlAtColdStart,
          mssqlInputKb: bundle.mssqlBytes / 1024,
          coldRequireMs: required.ms,
          ownCodeRequireMs: ownCode.ms,
          largestPackages: bundle.largestPackages,
          error: required.error === undefined ? undefined : `require: ${required.error}`,
          talksToSqlServer: fn.talksToSqlServer,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
        results.push({
          name: fn.name,
          sizeKb: Number.NaN,
          sdkExternalKb: Number.NaN,
          containsMssql: false,
          mssqlAtColdStart: false,
          mssqlInputKb: 0,
          coldRequireMs: undefined,
          ownCodeRequireMs: undefined,
          largestPackages: [],
          error: `build: ${message.slice(0, 200)}`,
          talksToSqlServer: fn.talksToSqlServer,
        });
      }
    }
    return results;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
};
