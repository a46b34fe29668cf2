import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules, isBuiltin } from 'node:module';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

/**
 * How a handler becomes a Lambda asset — the one definition the CDK functions, the infra tests and
 * the bundle benchmark all use (so no aws-cdk-lib import here).
 *
 * ESM with code splitting: modules reached only through a dynamic `import()` (the tenant-db dialect
 * adapters, and so mssql/tedious and pg) land in chunks of their own, which are neither loaded nor
 * parsed at cold start. Everything else a handler imports is bundled, minified, with source maps.
 */

/** The workspace root: the build runs from it, and metafile and source-map paths are relative to it. */
const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');

/** Modules left out of every bundle, each with why. */
export const LAMBDA_EXTERNALS: readonly { module: string; why: string }[] = [
  {
    module: '@aws-sdk/client-*',
    why: 'the nodejs22.x runtime ships the AWS SDK v3 clients (NodejsFunction leaves them out too); required from it, see SHIMS. ' +
      'Helpers such as @aws-sdk/lib-storage are bundled: the runtime does not promise them',
  },
  { module: '@electric-sql/pglite', why: 'local mode only: createTenantStore turns a PGlite tenant in Lambda into a ConfigError' },
  { module: 'pg-native', why: "pg's optional native binding, required only if installed; the functions use pg's JavaScript client" },
  { module: 'cloudflare:sockets', why: "pg's socket for Cloudflare Workers, never reached on Node" },
];

/** Modules the Lambda runtime provides: loaded from it with `require` (see runtimeShim). */
const isRuntimeModule = (specifier: string): boolean => specifier.startsWith('@aws-sdk/client-');

/**
 * Prepended to every output file. Bundled CommonJS dependencies (pg, mssql, pino…) call `require`,
 * which an ES module does not have; some read `__dirname` / `__filename` (pino's transports).
 * Built-ins come from `process.getBuiltinModule` (Node ≥ 22.3), never from an ES `import`: see SHIMS.
 */
const BANNER =
  "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url); " +
  "const __filename = process.getBuiltinModule('node:url').fileURLToPath(import.meta.url); " +
  "const __dirname = process.getBuiltinModule('node:path').dirname(__filename);";

/**
 * Node built-ins and the runtime's AWS SDK are loaded as CommonJS, never through an ES `import`:
 * - importing a built-in builds an ES module facade that reads every export, lazy getters included
 *   (`node:http` then loads Node's undici, `node:process` its report…): ~35 ms of a receiver's cold
 *   start that `require` never pays;
 * - importing a CommonJS package (the SDK is one) runs Node's export lexer over it and its
 *   re-exports: ~60 ms more than `require` for the receiver's three clients.
 * So each such specifier is aliased to a one-line CommonJS shim (`module.exports = <the module>`),
 * whose exports esbuild's interop reads when the code asks for them. The shims live at a fixed place
 * in the workspace so that source maps, and so asset hashes, stay the same from one machine to another.
 */
const SHIMS = path.join(WORKSPACE_ROOT, 'node_modules', '.cache', 'wagw-lambda-shims');

const writeShim = (name: string, text: string): string => {
  const file = path.join(SHIMS, `${name.replaceAll('@', '').replaceAll('/', '__')}.cjs`);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
    mkdirSync(SHIMS, { recursive: true });
    // Written aside then renamed, so that a concurrent build never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, text);
    renameSync(partial, file);
  }
  return file;
};

const builtinAliases = (): Record<string, string> => {
  const alias: Record<string, string> = {};
  for (const name of builtinModules.filter((candidate) => !candidate.startsWith('_'))) {
    const file = writeShim(`node/${name}`, `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${name}`)});\n`);
    alias[name] = file;
    alias[`node:${name}`] = file;
  }
  return alias;
};

/** Resolved from the output file at run time (in Lambda: NODE_PATH reaches /var/runtime/node_modules). */
const runtimeShim = (specifier: string): string =>
  writeShim(specifier, `module.exports = process.getBuiltinModule('node:module').createRequire(__filename)(${JSON.stringify(specifier)});\n`);

/** Runtime-module specifiers seen by any build of this process (aliasing an unused one changes nothing). */
const runtimeSpecifiers = new Set<string>();

/**
 * What a build's metafile says about the specifiers that can be shimmed: runtime modules still
 * imported as ES modules because they were not known yet, and every built-in or runtime module
 * loaded by a dynamic `import()`. Those must stay real ES imports: esbuild hands a split-off
 * CommonJS module to `import()` as `{ default }` only, so `(await import('node:async_hooks'))
 * .AsyncLocalStorage` would be undefined.
 */
const shimmable = (metafile: Metafile): { unseenRuntime: string[]; dynamic: Set<string> } => {
  const unseenRuntime: string[] = [];
  const dynamic = new Set<string>();
  for (const { imports } of Object.values(metafile.inputs)) {
    for (const imported of imports) {
      const specifier = imported.original ?? imported.path;
      const runtime = isRuntimeModule(specifier);
      if (!runtime && !isBuiltin(specifier)) continue;
      if (imported.kind === 'dynamic-import') dynamic.add(specifier);
      if (runtime && imported.external === true && !runtimeSpecifiers.has(specifier)) unseenRuntime.push(specifier);
    }
  }
  return { unseenRuntime, dynamic };
};

export interface LambdaBundle {
  /** Files written to the output directory, sorted: index.mjs, chunk-*.mjs and a .map for each. */
  files: string[];
  /** esbuild's metafile; input and output paths are relative to the workspace root. */
  metafile: Metafile;
}

/**
 * Bundles the handler at `entry` (absolute path, exports `handler`) into `outDir` as `index.mjs`
 * (Lambda handler `index.handler`) plus its chunks and source maps. Synchronous, because CDK's
 * `ILocalBundling.tryBundle` is. The output depends only on the sources, not on `outDir`: esbuild lays
 * the files out as if in the workspace root (source maps name `services/…`, `node_modules/…`), and they
 * are then written to `outDir`, so the same sources always give the same asset hash.
 */
export const bundleLambda = (entry: string, outDir: string): LambdaBundle => {
  const options = {
    absWorkingDir: WORKSPACE_ROOT,
    entryPoints: { index: entry },
    outdir: WORKSPACE_ROOT,
    write: false,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    banner: { js: BANNER },
    external: LAMBDA_EXTERNALS.map(({ module }) => module),
    metafile: true,
    logLevel: 'silent',
  } satisfies BuildOptions;
  const build = (dynamic: ReadonlySet<string>) => {
    const alias = builtinAliases();
    for (const specifier of runtimeSpecifiers) alias[specifier] = runtimeShim(specifier);
    for (const specifier of dynamic) delete alias[specifier];
    return buildSync({ ...options, alias });
  };
  // Built again, at most once, when it found a runtime module this process had not seen yet or a
  // shimmed module loaded by import(): the output then depends only on the sources.
  let result = build(new Set());
  const { unseenRuntime, dynamic } = shimmable(result.metafile);
  if (unseenRuntime.length > 0 || dynamic.size > 0) {
    for (const specifier of unseenRuntime) runtimeSpecifiers.add(specifier);
    result = build(dynamic);
  }
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const file of result.outputFiles) {
    const name = path.relative(WORKSPACE_ROOT, file.path);
    writeFileSync(path.join(outDir, name), file.contents);
    files.push(name);
  }
  return { files: files.sort(), metafile: result.metafile };
};

const packageName = (specifier: string): string => {
  const [first = '', second = ''] = specifier.split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
};

/** The directory of package `name` as seen from `fromDir` (Node's node_modules lookup, upwards). */
const findPackage = (name: string, fromDir: string): string | undefined => {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
};

/**
 * For running a bundle outside Lambda (tests, the benchmark): links into `nodeModulesDir` the
 * workspace's copy of each `@aws-sdk/client-*` package the bundle loads, standing in for the runtime's SDK.
 * Returns the package names. Put the bundle in a directory below `nodeModulesDir`'s parent.
 */
export const linkRuntimeSdk = (bundle: LambdaBundle, nodeModulesDir: string): string[] => {
  const linked = new Map<string, string>();
  for (const [input, { imports }] of Object.entries(bundle.metafile.inputs)) {
    for (const imported of imports) {
      const specifier = imported.original ?? imported.path;
      if (!isRuntimeModule(specifier)) continue;
      const name = packageName(specifier);
      if (linked.has(name)) continue;
      const dir = findPackage(name, path.dirname(path.resolve(WORKSPACE_ROOT, input)));
      if (dir === undefined) throw new Error(`${name} (imported by ${input}) is not installed in the workspace`);
      linked.set(name, dir);
    }
  }
  for (const [name, dir] of linked) {
    const link = path.join(nodeModulesDir, name);
    if (existsSync(link)) continue;
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(dir, link, 'dir');
  }
  return [...linked.keys()].sort();
};
