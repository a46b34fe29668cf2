import { metaSignatureHeader, verifyMetaSignature } from '../../src/meta/signature';
import { fixtureJson, utf8 } from '../support/fixtures';

interface SignatureVectors {
  app_secret: string;
  vectors: { name: string; raw_body: string; x_hub_signature_256: string; valid: boolean }[];
}

const { app_secret: appSecret, vectors } = fixtureJson<SignatureVectors>('meta-webhook-signature-vectors.json');
const apps = [
  { appId: 'other-app', appSecret: 'another_secret_value' },
  { appId: 'gateway-app', appSecret },
];

describe('verifyMetaSignature', () => {
  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    // Act
    const appIds = verifyMetaSignature(utf8(vector.raw_body), vector.x_hub_signature_256, apps);

    // Assert
    expect(appIds).toEqual(vector.valid ? ['gateway-app'] : []);
  });

  it('verifies a body delivered base64-encoded once it is decoded to bytes', () => {
    // Prepare
    const vector = vectors.find((candidate) => candidate.name.startsWith('non-ascii'))!;
    const delivered = Buffer.from(vector.raw_body, 'utf8').toString('base64');

    // Act
    const appIds = verifyMetaSignature(Buffer.from(delivered, 'base64'), vector.x_hub_signature_256, apps);

    // Assert
    expect(appIds).toEqual(['gateway-app']);
  });

  it('does not verify the base64 text itself', () => {
    const vector = vectors[0]!;
    const delivered = Buffer.from(vector.raw_body, 'utf8').toString('base64');

    expect(verifyMetaSignature(utf8(delivered), vector.x_hub_signature_256, apps)).toEqual([]);
  });

  it('names the app whose secret signed the body when several apps are configured', () => {
    const body = utf8('{"object":"whatsapp_business_account","entry":[]}');

    expect(verifyMetaSignature(body, metaSignatureHeader(body, 'another_secret_value'), apps)).toEqual(['other-app']);
    expect(verifyMetaSignature(body, metaSignatureHeader(body, appSecret), apps)).toEqual(['gateway-app']);
  });

  it('names every app whose secret signed the body when two apps share one secret', () => {
    // Prepare
    const body = utf8('{"object":"whatsapp_business_account","entry":[]}');
    const sharing = [...apps, { appId: 'twin-app', appSecret }];

    // Act
    const appIds = verifyMetaSignature(body, metaSignatureHeader(body, appSecret), sharing);

    // Assert
    expect(appIds).toEqual(['gateway-app', 'twin-app']);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a bare prefix', 'sha256='],
    ['another algorithm', `sha1=${'a'.repeat(40)}`],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`],
    ['a short digest', `sha256=${'a'.repeat(62)}`],
    ['a long digest', `sha256=${'a'.repeat(66)}`],
    ['padding around the digest', ` sha256=${'a'.repeat(64)}`],
  ])('rejects %s', (_name, header) => {
    const body = utf8(vectors[0]!.raw_body);

    expect(verifyMetaSignature(body, header, apps)).toEqual([]);
  });

  it('rejects every signature when no app is configured', () => {
    const vector = vectors[0]!;

    expect(verifyMetaSignature(utf8(vector.raw_body), vector.x_hub_signature_256, [])).toEqual([]);
  });

  it('accepts the digest in upper case hex', () => {
    const vector = vectors[0]!;
    const upper = `sha256=${vector.x_hub_signature_256.slice('sha256='.length).toUpperCase()}`;

    expect(verifyMetaSignature(utf8(vector.raw_body), upper, apps)).toEqual(['gateway-app']);
  });
});

describe('metaSignatureHeader', () => {
  it('reproduces the recorded signature of every valid vector', () => {
    for (const vector of vectors.filter((candidate) => candidate.valid)) {
      expect(metaSignatureHeader(vector.raw_body, appSecret)).toBe(vector.x_hub_signature_256);
    }
  });
});
