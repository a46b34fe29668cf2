import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** shared/fixtures beside the repository (recorded provider payloads). */
export const FIXTURES_DIR = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures');

export const fixtureJson = <T = unknown>(name: string): T => JSON.parse(readFileSync(join(FIXTURES_DIR, name), 'utf8')) as T;

export type JsonObject = Record<string, unknown>;
