import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod/mini';
import {
  BrokerRequestV1,
  GatewayConfigV1,
  InboundMessageEventV1,
  MediaJobV1,
  MediaResultEventV1,
  ParkedEventV1,
  ReceiptEventV1,
} from '../../src';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8'));

/**
 * Each versioned fixture must still parse, and every field it uses must still exist in the schema:
 * removing or renaming a field of a V1 contract breaks consumers, so it needs a V2.
 */
const cases: Array<[string, z.ZodMiniObject]> = [
  ['inbound-message.v1.json', InboundMessageEventV1],
  ['media-result.v1.json', MediaResultEventV1],
  ['media-job.v1.json', MediaJobV1],
  ['receipt.v1.json', ReceiptEventV1],
  ['parked.v1.json', ParkedEventV1],
];

describe('queue contracts', () => {
  it.each(cases)('still parse the versioned fixture %s', (name, schema) => {
    expect(() => schema.parse(fixture(name))).not.toThrow();
  });

  it.each(cases)('keep every field used by %s', (name, schema) => {
    const used = Object.keys(fixture(name) as object);
    const declared = Object.keys(schema.shape);
    expect(declared).toEqual(expect.arrayContaining(used));
  });

  it('rejects an event that lost its tenant', () => {
    const { tenantId: _dropped, ...withoutTenant } = fixture('inbound-message.v1.json') as Record<string, unknown>;
    expect(InboundMessageEventV1.safeParse(withoutTenant).success).toBe(false);
  });
});

describe('parked events', () => {
  const parked = fixture('parked.v1.json') as Record<string, unknown>;

  it('parks a Meta event of a broken channel record with every app whose secret signed it', () => {
    const meta = { ...parked, provider: 'meta', reason: 'channel-record-invalid', presentedSecretSha256: undefined, signedByMetaAppIds: ['app-1', 'app-2'] };

    expect(ParkedEventV1.parse(meta)).toMatchObject({ reason: 'channel-record-invalid', signedByMetaAppIds: ['app-1', 'app-2'] });
  });

  it('refuses a park reason it does not know', () => {
    expect(ParkedEventV1.safeParse({ ...parked, reason: 'tenant-paused' }).success).toBe(false);
  });

  it('refuses a parked event without its place in the webhook body', () => {
    const { sequence: _dropped, ...withoutSequence } = parked;
    expect(ParkedEventV1.safeParse(withoutSequence).success).toBe(false);
  });
});

describe('gateway config', () => {
  it('fills in Graph and Whapi defaults', () => {
    const config = GatewayConfigV1.parse({
      metaApps: [{ appId: 'app', appSecret: 's', verifyToken: 'v' }],
      tenants: [
        {
          tenantId: 'acme',
          database: { engine: 'pglite', dataDir: 'memory://' },
          channels: [
            { provider: 'meta', channelId: '1', wabaId: '2', metaAppId: 'app', accessToken: 't' },
            { provider: 'whapi', channelId: 'W', apiToken: 't', webhookSecret: 's' },
          ],
        },
      ],
    });

    expect(config.tenants[0]?.channels).toEqual([
      expect.objectContaining({ graphBaseUrl: 'https://graph.facebook.com', graphVersion: 'v24.0' }),
      expect.objectContaining({ baseUrl: 'https://gate.whapi.cloud' }),
    ]);
  });

  it('refuses tenant ids that could escape a path or a secret name', () => {
    const result = GatewayConfigV1.safeParse({
      tenants: [{ tenantId: '../x', database: { engine: 'pglite', dataDir: 'd' }, channels: [] }],
    });
    expect(result.success).toBe(false);
  });

  it('only accepts known broker operations', () => {
    expect(BrokerRequestV1.safeParse({ op: 'dumpAllSecrets' }).success).toBe(false);
  });
});
