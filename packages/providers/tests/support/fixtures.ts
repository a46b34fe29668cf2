import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared, recorded provider payloads (../shared/fixtures beside the repository). */
export const FIXTURES_DIR = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures');

export const fixtureBytes = (name: string): Uint8Array => readFileSync(join(FIXTURES_DIR, name));

export const fixtureJson = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(FIXTURES_DIR, name), 'utf8')) as T;

export const fixtureNames = (pattern: RegExp): string[] =>
  readdirSync(FIXTURES_DIR)
    .filter((name) => pattern.test(name))
    .sort();

/** Meta webhook fixtures that are bodies as posted (not the signature vectors or the GET request). */
export const metaEnvelopeFixtures = (): string[] =>
  fixtureNames(/^meta-webhook-.*\.json$/).filter((name) => {
    const body = fixtureJson(name);
    return typeof body.object === 'string' && Array.isArray(body.entry);
  });

export const whapiWebhookFixtures = (): string[] => fixtureNames(/^whapi-webhook-.*\.json$/);

export const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
