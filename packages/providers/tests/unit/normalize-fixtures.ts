import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

/** The shared recorded payloads (../shared/fixtures next to the repository); FIXTURES_DIR overrides. */
export const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(__dirname, '../../../../../shared/fixtures');

export const readFixture = (name: string): Json => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Json;

export const fixtureNames = (prefix: string): string[] =>
  readdirSync(FIXTURES_DIR)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort();

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

export interface MetaMessageSample {
  item: Json;
  contact?: Json;
}

/** Every message of a Meta webhook body, each with its sender's `value.contacts[]` entry. */
export const metaMessages = (body: Json): MetaMessageSample[] =>
  list(body.entry).flatMap((entry) =>
    list(entry.changes).flatMap((change) => {
      const value = (change.value ?? {}) as Json;
      const contacts = list(value.contacts);
      return list(value.messages).map((item) => {
        const contact = contacts.find((candidate) => candidate.wa_id === item.from) ?? contacts[0];
        return contact === undefined ? { item } : { item, contact };
      });
    }),
  );

export const metaMessageFixture = (name: string): MetaMessageSample => {
  const [sample] = metaMessages(readFixture(name));
  if (sample === undefined) throw new Error(`${name} holds no message`);
  return sample;
};

export const whapiMessageFixture = (name: string): Json => {
  const [item] = list(readFixture(name).messages);
  if (item === undefined) throw new Error(`${name} holds no message`);
  return item;
};
