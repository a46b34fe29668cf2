import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayConfigV1 } from '@wagw/contracts';
import { prepareSampleWebhook } from '../../src/samples/prepare-sample-webhook';

const FIXTURES = join(__dirname, '../../../../shared/fixtures');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const demoConfig = GatewayConfigV1.parse(JSON.parse(readFileSync(join(__dirname, '../../local/demo-config.json'), 'utf8')));

interface SignatureVector {
  name: string;
  raw_body: string;
  x_hub_signature_256: string;
  valid: boolean;
}

describe('prepareSampleWebhook', () => {
  it('signs the exact bytes like Meta, \\u escapes included', () => {
    // Prepare
    const vectors = JSON.parse(fixture('meta-webhook-signature-vectors.json').toString('utf8')) as { app_secret: string; vectors: SignatureVector[] };
    const valid = vectors.vectors.filter((vector) => vector.valid && vector.raw_body.includes('\\u'));
    expect(valid.length).toBeGreaterThan(0);

    for (const vector of valid) {
      // Act
      const request = prepareSampleWebhook(Buffer.from(vector.raw_body, 'utf8'), { appSecret: vectors.app_secret });

      // Assert
      expect(request.headers['x-hub-signature-256']).toBe(vector.x_hub_signature_256);
      expect(request.body.toString('utf8')).toBe(vector.raw_body);
    }
  });

  it('posts an unchanged fixture byte for byte, signed with the secret of the app that owns the number', () => {
    // Prepare
    const raw = fixture('meta-webhook-text.json');

    // Act
    const request = prepareSampleWebhook(raw, { config: demoConfig });

    // Assert
    expect(request.path).toBe('/webhooks/meta');
    expect(request.body.equals(raw)).toBe(true);
    expect(request.channelIds).toEqual(['100000000000001']);
    expect(request.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('re-targets a Meta sample to another number and signs the new bytes', () => {
    // Act
    const request = prepareSampleWebhook(fixture('meta-webhook-text.json'), { config: demoConfig, toChannel: '100000000000002' });

    // Assert
    const body = JSON.parse(request.body.toString('utf8')) as { entry: { changes: { value: { metadata: { phone_number_id: string } } }[] }[] };
    expect(body.entry[0]!.changes[0]!.value.metadata.phone_number_id).toBe('100000000000002');
    expect(request.channelIds).toEqual(['100000000000002']);
  });

  it('sends a Whapi sample to its channel path with the channel secret header', () => {
    // Act
    const request = prepareSampleWebhook(fixture('whapi-webhook-message.json'), { config: demoConfig });

    // Assert
    expect(request.provider).toBe('whapi');
    expect(request.path).toBe('/webhooks/whapi/TESTCH-ABCDE');
    expect(request.headers['x-gateway-secret']).toBe('demo-acme-whapi-webhook-secret-FAKE');
  });

  it('makes message ids unique when asked, so a sample can be posted again as new messages', () => {
    // Act
    const request = prepareSampleWebhook(fixture('meta-webhook-text.json'), { config: demoConfig, messageIdSuffix: '-2' });

    // Assert
    expect(request.body.toString('utf8')).toContain('"id":"wamid.TEST-IN-TEXT-0001-2"');
  });

  it('refuses a Whapi sample for a channel it has no secret for', () => {
    expect(() => prepareSampleWebhook(fixture('whapi-webhook-message.json'), { config: demoConfig, toChannel: 'UNKNOWN-1' })).toThrow(/webhook secret/);
  });
});
