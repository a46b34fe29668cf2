import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FUNCTION_ENTRIES } from '../../src/function-entries';
import { bundleLambda, LAMBDA_EXTERNALS } from '../../src/lambda-bundle';
import type { LambdaBundle } from '../../src/lambda-bundle';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const WRITER_ENTRY = path.join(REPO_ROOT, FUNCTION_ENTRIES['inbound-writer'].entry);

const modules = (dir: string): string[] => readdirSync(dir).filter((file) => file.endsWith('.mjs'));

describe('bundleLambda', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'wagw-lambda-bundle-'));
  const first = path.join(workDir, 'first');
  const second = path.join(workDir, 'nested', 'elsewhere', 'second');
  let bundles: LambdaBundle[];

  beforeAll(() => {
    bundles = [bundleLambda(WRITER_ENTRY, first), bundleLambda(WRITER_ENTRY, second)];
  }, 60_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('writes the same files, byte for byte, whatever the output directory (the asset hash is the output hash)', () => {
    const [a, b] = bundles as [LambdaBundle, LambdaBundle];
    expect(b.files).toEqual(a.files);
    for (const file of a.files) expect(readFileSync(path.join(second, file)).equals(readFileSync(path.join(first, file)))).toBe(true);
  });

  it('writes index.mjs and chunk-*.mjs, each with a source map naming workspace-relative sources', () => {
    const { files } = bundles[0] as LambdaBundle;
    const modules = files.filter((file) => file.endsWith('.mjs'));
    expect(modules).toContain('index.mjs');
    for (const file of modules) {
      expect(file).toMatch(/^(index|chunk-[A-Z0-9]+)\.mjs$/);
      expect(files).toContain(`${file}.map`);
    }
    const { sources } = JSON.parse(readFileSync(path.join(first, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(sources).toContain(FUNCTION_ENTRIES['inbound-writer'].entry);
    expect(sources.filter((source) => path.isAbsolute(source) || source.startsWith('..'))).toEqual([]);
  });

  it('gives every file a require (and __filename, __dirname) for the CommonJS dependencies it bundles', () => {
    for (const file of modules(first)) {
      const text = readFileSync(path.join(first, file), 'utf8');
      expect(text.startsWith("const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);")).toBe(true);
      expect(text).toContain('const __dirname = ');
    }
  });

  it('loads Node built-ins with require, except those some code loads with import() (an ES import costs cold-start time)', () => {
    // Prepare
    const texts = modules(first).map((file) => readFileSync(path.join(first, file), 'utf8'));
    // A statement (`;import{a as b}from"x"`, `;import"x"`), not the word in a string (`"--import"`).
    const staticImports = texts.flatMap((text) =>
      [...text.matchAll(/(?:^|[;}\n])\s*(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?"([\w@./:-]+)"/g)].map((match) => match[1]),
    );

    // A built-in some code loads with import() stays an ES import everywhere (see the next test).
    const dynamicBuiltins = new Set(texts.flatMap((text) => [...text.matchAll(/\bimport\("(node:[\w/]+)"\)/g)].map((match) => match[1])));

    // Assert: only the bundle's own chunks (and PGlite, in its lazy chunk) are imported as ES modules.
    expect(
      staticImports.filter((specifier) => !specifier?.startsWith('./chunk-') && specifier !== '@electric-sql/pglite' && !dynamicBuiltins.has(specifier)),
    ).toEqual([]);
    expect(texts.join('\n')).toContain('process.getBuiltinModule("node:crypto")');
  });

  it('leaves a built-in loaded by import() an ES import: a shim there would only have a default export', () => {
    // Prepare: @aws/lambda-invoke-store does `(await import('node:async_hooks')).AsyncLocalStorage`.
    const texts = modules(first).map((file) => readFileSync(path.join(first, file), 'utf8'));
    const lazyChunks = texts.flatMap((text) => [...text.matchAll(/\bimport\("\.\/(chunk-[\w-]+\.mjs)"\)/g)].map((match) => match[1] as string));
    const shimOnly = (file: string): boolean => {
      // A chunk with no sources only re-exports a shared chunk for an import(); it is not a shim.
      const { sources } = JSON.parse(readFileSync(path.join(first, `${file}.map`), 'utf8')) as { sources: string[] };
      return sources.length > 0 && sources.every((source) => source.includes('wagw-lambda-shims/'));
    };

    // Assert
    expect(texts.join('\n')).toContain('import("node:async_hooks")');
    expect(lazyChunks.length).toBeGreaterThan(0);
    expect(lazyChunks.filter(shimOnly)).toEqual([]);
  });

  it('says why each module is left out', () => {
    expect(LAMBDA_EXTERNALS.map(({ module }) => module)).toEqual(['@electric-sql/pglite', 'pg-native', 'cloudflare:sockets']);
    for (const { why } of LAMBDA_EXTERNALS) expect(why.length).toBeGreaterThan(10);
  });
});
