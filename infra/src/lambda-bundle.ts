import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * Modules left out of every bundle, each with why. The AWS SDK is bundled: the functions run the SDK
 * version the tests ran, not whichever one the runtime ships, and a bundled SDK loaded no slower than
 * the runtime's copy in our measurements (BENCHMARKS.md, "Bundles and cold start").
 */
export const LAMBDA_EXTERNALS: readonly { module: string; why: string }[] = [
  { module: '@electric-sql/pglite', why: 'local mode only: createTenantStore turns a PGlite tenant in Lambda into a ConfigError' },
  { module: 'pg-native', why: "pg's optional native binding, required only if installed; the functions use pg's JavaScript client" },
  { module: 'cloudflare:sockets', why: "pg's socket for Cloudflare Workers, never reached on Node" },
];

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
 * Node built-ins are loaded as CommonJS, never through an ES `import`: importing a built-in builds an
 * ES module facade that reads every export, lazy getters included (`node:http` then loads Node's
 * undici, `node:process` its report…): ~35 ms of a receiver's cold start that `require` never pays.
 * So each built-in is aliased to a one-line CommonJS shim (`module.exports = <the module>`), whose
 * exports esbuild's interop reads when the code asks for them. The shims live at a fixed place in the
 * workspace so that source maps, and so asset hashes, stay the same from one machine to another.
 */
const SHIMS = path.join(WORKSPACE_ROOT, 'node_modules', '.cache', 'wagw-lambda-shims');

const writeShim = (name: string, text: string): string => {
  const file = path.join(SHIMS, `${name.replaceAll('/', '__')}.cjs`);
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

/**
 * Built-ins a build loads with a dynamic `import()`. Those must stay real ES imports: esbuild hands a
 * split-off CommonJS module to `import()` as `{ default }` only, so `(await import('node:async_hooks'))
 * .AsyncLocalStorage` would be undefined.
 */
const dynamicallyImportedBuiltins = (metafile: Metafile): Set<string> => {
  const dynamic = new Set<string>();
  for (const { imports } of Object.values(metafile.inputs)) {
    for (const imported of imports) {
      const specifier = imported.original ?? imported.path;
      if (imported.kind === 'dynamic-import' && isBuiltin(specifier)) dynamic.add(specifier);
    }
  }
  return dynamic;
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
  const build = (keepAsImports: ReadonlySet<string>) => {
    const alias = builtinAliases();
    for (const specifier of keepAsImports) delete alias[specifier];
    return buildSync({ ...options, alias });
  };
  // Built again, at most once, when a shimmed built-in turned out to be loaded by import().
  let result = build(new Set());
  const dynamic = dynamicallyImportedBuiltins(result.metafile);
  if (dynamic.size > 0) result = build(dynamic);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const file of result.outputFiles) {
    const name = path.relative(WORKSPACE_ROOT, file.path);
    writeFileSync(path.join(outDir, name), file.contents);
    files.push(name);
  }
  return { files: files.sort(), metafile: result.metafile };
};
