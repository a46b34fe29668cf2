import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InboundMessageEventV1, MediaOutcomeV1, MediaResultEventV1 } from '@wagw/contracts';
import { createLogger, type Logger } from '@wagw/runtime/logger';

type Json = Record<string, unknown>;

const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(__dirname, '../../../../../shared/fixtures');

export const RECEIVED_AT = '2025-10-09T08:53:25.000Z';
export const META_CHANNEL = '100000000000001';
export const WHAPI_CHANNEL = 'TESTCH-ABCDE';
export const USER = '15550001111';

const firstMessage = (body: Json): { item: Json; contact?: Json } => {
  const value = ((body.entry as Json[])[0]?.changes as Json[])[0]?.value as Json;
  const item = (value.messages as Json[])[0] as Json;
  const contact = (value.contacts as Json[] | undefined)?.[0];
  return contact === undefined ? { item } : { item, contact };
};

/** The first message item (and its sender contact) of a recorded Meta webhook fixture. */
export const metaFixtureMessage = (name: string): { item: Json; contact?: Json } =>
  firstMessage(JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Json);

export const whapiFixtureItem = (name: string): Json =>
  ((JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Json).messages as Json[])[0] as Json;

/** An inbound-message.v1 event for a Meta fixture, as the receiver queues it. */
export const metaMessageEvent = (tenantId: string, fixture: string, overrides: Partial<InboundMessageEventV1> = {}): InboundMessageEventV1 => {
  const { item, contact } = metaFixtureMessage(fixture);
  return {
    schema: 'inbound-message.v1',
    tenantId,
    provider: 'meta',
    channelId: META_CHANNEL,
    providerMessageId: String(item.id),
    contactId: USER,
    item,
    ...(contact === undefined ? {} : { contact }),
    archiveKey: `raw/meta/${'0'.repeat(64)}.json`,
    receivedAt: RECEIVED_AT,
    ...overrides,
  };
};

export const whapiMessageEvent = (tenantId: string, fixture: string): InboundMessageEventV1 => {
  const item = whapiFixtureItem(fixture);
  return {
    schema: 'inbound-message.v1',
    tenantId,
    provider: 'whapi',
    channelId: WHAPI_CHANNEL,
    providerMessageId: String(item.id),
    contactId: String(item.chat_id),
    item,
    archiveKey: `raw/whapi/${'1'.repeat(64)}.json`,
    receivedAt: RECEIVED_AT,
  };
};

export const mediaResultEvent = (message: InboundMessageEventV1, outcome: MediaOutcomeV1): MediaResultEventV1 => ({
  schema: 'media-result.v1',
  tenantId: message.tenantId,
  provider: message.provider,
  channelId: message.channelId,
  providerMessageId: message.providerMessageId,
  contactId: message.contactId,
  outcome,
});

/** A real pino logger whose lines are kept, parsed, for assertions. */
export const capturingLogger = (): { logger: Logger; lines: Json[] } => {
  const lines: Json[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Json) } });
  return { logger, lines };
};
