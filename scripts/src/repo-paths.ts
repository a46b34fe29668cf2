import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const findRoot = (from: string): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
};

/** The monorepo root, wherever the CLI is started from. */
export const REPO_ROOT = findRoot(__dirname);

/** Recorded provider payloads (`../shared/fixtures` next to the repository); FIXTURES_DIR overrides. */
export const fixturesDir = (): string => process.env.FIXTURES_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'fixtures');
