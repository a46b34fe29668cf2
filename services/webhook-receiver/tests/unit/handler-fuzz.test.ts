import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { handleHttpRequest } from '../../src/http/handle-http-request';
import { httpEvent, signedMetaPost, whapiPost } from '../support/http-events';
import { META_APP, receiverWorld } from '../support/receiver-fakes';
import { fixtureText } from '../support/shared-fixtures';

const FIXTURE_NAMES = readdirSync(`${__dirname}/../../../../../shared/fixtures`).filter((name) => /^(meta|whapi)-webhook-.*\.json$/.test(name));

const truncatedFixture = fc
  .constantFrom(...FIXTURE_NAMES)
  .chain((name) => {
    const text = fixtureText(name);
    return fc.nat({ max: text.length }).map((length) => text.slice(0, length));
  });

const anyBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  truncatedFixture,
);

/** Every answer is a response object with a JSON or text body and a status the provider understands. */
const expectAnswered = (response: { statusCode: number; body: string }): void => {
  expect(response.statusCode).toBeGreaterThanOrEqual(200);
  expect(response.statusCode).toBeLessThan(500);
  expect(typeof response.body).toBe('string');
};

describe('the HTTP function on arbitrary input', () => {
  it('answers 2xx/4xx, never throws, for signed Meta bodies of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, fc.boolean(), async (raw, base64) => {
        const world = receiverWorld();
        expectAnswered(await handleHttpRequest(world.context, signedMetaPost(raw, META_APP.appSecret, { base64 })));
      }),
      { numRuns: 300 },
    );
  });

  it('answers 2xx/4xx, never throws, for unsigned or garbage requests on every route', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyBody,
        fc.constantFrom('GET', 'POST', 'PUT'),
        fc.constantFrom('/webhooks/meta', '/webhooks/whapi/TESTCH-ABCDE', '/webhooks/whapi/UNKNOWN', '/health', '/x'),
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        fc.boolean(),
        async (raw, method, path, header, base64) => {
          const world = receiverWorld();
          const headers: Record<string, string> = header === undefined ? {} : { 'x-hub-signature-256': header, 'x-gateway-secret': header };
          const event = httpEvent({ method, path, body: raw, isBase64Encoded: base64, headers, query: { 'hub.mode': raw.slice(0, 10) } });
          expectAnswered(await handleHttpRequest(world.context, event));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers 2xx/4xx, never throws, for Whapi bodies of any shape with the right secret', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (raw) => {
        const world = receiverWorld();
        expectAnswered(await handleHttpRequest(world.context, whapiPost('TESTCH-ABCDE', raw, 'whapi-webhook-secret-1')));
      }),
      { numRuns: 300 },
    );
  });
});
