import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A source file of mssql or its driver tedious, as named in a source map (`…/node_modules/mssql/…`). */
export const MSSQL_SOURCE = /(^|\/)node_modules\/(mssql|tedious)\//;

/** The JavaScript files of an asset directory: index.mjs and its chunks. */
export const moduleFiles = (dir: string): string[] => readdirSync(dir).filter((file) => file.endsWith('.mjs')).sort();

/** The `sources` of `<file>.map`: every input that contributed to the file. */
export const mapSources = (dir: string, file: string): string[] =>
  (JSON.parse(readFileSync(path.join(dir, `${file}.map`), 'utf8')) as { sources: string[] }).sources;

// esbuild writes `import{a as b}from"./chunk-X.mjs"`, `import"./chunk-X.mjs"` or `export{…}from"./chunk-X.mjs"`
// for a static import; a dynamic one is `import("./chunk-X.mjs")`, which this pattern does not match.
const STATIC_CHUNK_IMPORT = /\b(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?["']\.\/(chunk-[\w-]+\.mjs)["']/g;

/**
 * index.mjs and every chunk it reaches through static imports, transitively: what Node loads (and V8
 * parses) at cold start. Chunks reached only through a dynamic import() are not in it.
 */
export const coldStartFiles = (dir: string): Set<string> => {
  const seen = new Set<string>();
  const pending = ['index.mjs'];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(path.join(dir, file), 'utf8').matchAll(STATIC_CHUNK_IMPORT)) pending.push(match[1] as string);
  }
  return seen;
};

export interface ChildRun {
  status: number | null;
  /** The handler's answer (the child's last line of output, as JSON), when it ran. */
  result: unknown;
  stderr: string;
}

/**
 * Imports `indexFile` in a fresh `node` (this one: Node 22 under pnpm) with only `env` (and PATH) and
 * calls its `handler` with `event`, as the Lambda runtime would.
 */
export const callHandlerInChild = (indexFile: string, event: unknown, env: Readonly<Record<string, string>>): ChildRun => {
  const script =
    `const { handler } = await import(${JSON.stringify(pathToFileURL(indexFile).href)});` +
    `const result = await handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 30000 });` +
    `process.stdout.write('\\n' + JSON.stringify(result ?? null) + '\\n');`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  });
  const lastLine = child.stdout.trim().split('\n').pop() ?? '';
  let result: unknown;
  try {
    result = child.status === 0 ? JSON.parse(lastLine) : undefined;
  } catch {
    result = undefined;
  }
  return { status: child.status, result, stderr: child.stderr };
};
