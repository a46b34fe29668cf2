import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TenantSummaryV1 } from '@wagw/contracts';
import { createLogger, type Logger } from '@wagw/runtime/logger';
import type { CollectorSettings } from '../../src/collector-dependencies';

type Json = Record<string, unknown>;

const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(__dirname, '../../../../../shared/fixtures');

export const META_CHANNEL = '100000000000001';
export const SECOND_META_CHANNEL = '100000000000002';
export const WHAPI_CHANNEL = 'TESTCH-ABCDE';
export const ALICE = '15550001111';
export const BOB = '15550002222';

const metaSendRequests = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'meta-send-requests.json'), 'utf8')) as Record<string, Json>;

/**
 * A row's `message` column from a recorded Cloud API send request: the request body without
 * messaging_product and to (the row's to_id carries the recipient).
 */
export const messageFromFixture = (name: string): string => {
  const request = metaSendRequests[name];
  if (request === undefined) throw new Error(`no send request fixture ${name}`);
  const { messaging_product: _product, to: _to, ...message } = request;
  return JSON.stringify(message);
};

export const textMessage = (body: string): string => JSON.stringify({ type: 'text', text: { body } });

/** acme: two Meta numbers (the first is the default) and one Whapi channel. */
export const acmeTenant = (overrides: Partial<TenantSummaryV1> = {}): TenantSummaryV1 => ({
  tenantId: 'acme',
  defaultChannelId: META_CHANNEL,
  channels: [
    { provider: 'meta', channelId: META_CHANNEL },
    { provider: 'meta', channelId: SECOND_META_CHANNEL },
    { provider: 'whapi', channelId: WHAPI_CHANNEL },
  ],
  ...overrides,
});

export const globexTenant = (): TenantSummaryV1 => ({
  tenantId: 'globex',
  defaultChannelId: 'GLOBEX-WHAPI',
  channels: [{ provider: 'whapi', channelId: 'GLOBEX-WHAPI' }],
});

export const settings = (overrides: Partial<CollectorSettings> = {}): CollectorSettings => ({
  runSeconds: 10,
  batchSize: 100,
  leaseSeconds: 600,
  maxAttempts: 5,
  reapGraceSeconds: 1_800,
  idleMinMs: 100,
  idleMaxMs: 2_000,
  ...overrides,
});

/** A real pino logger whose lines are kept, parsed, for assertions. */
export const capturingLogger = (): { logger: Logger; lines: Json[] } => {
  const lines: Json[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line) as Json) } });
  return { logger, lines };
};
