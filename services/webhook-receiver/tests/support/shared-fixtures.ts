import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared, recorded provider payloads (../shared/fixtures beside the repository). */
const FIXTURES_DIR = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures');

export const fixtureText = (name: string): string => readFileSync(join(FIXTURES_DIR, name), 'utf8');

export const fixtureJson = <T = Record<string, unknown>>(name: string): T => JSON.parse(fixtureText(name)) as T;
