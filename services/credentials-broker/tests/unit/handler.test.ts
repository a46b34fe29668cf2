import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acmeTenant, metaApp } from '../support/records';

describe('handler', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-handler-'));
    await writeFile(join(dir, 'gateway.json'), JSON.stringify({ metaApps: [metaApp()], tenants: [acmeTenant()] }));
    process.env.SECRETS_SOURCE = 'file';
    process.env.GATEWAY_CONFIG = join(dir, 'gateway.json');
  });

  afterAll(async () => {
    delete process.env.SECRETS_SOURCE;
    delete process.env.GATEWAY_CONFIG;
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a direct invoke from the configured store', async () => {
    const { handler } = await import('../../src/handler');

    const response = await handler({ op: 'getTenantDatabase', tenantId: 'acme' });

    expect(response).toEqual({ ok: true, result: acmeTenant().database });
  });

  it('answers a malformed event with a typed error, not an exception', async () => {
    const { handler } = await import('../../src/handler');

    const response = await handler({ op: 'resolveChannel' });

    expect(response).toMatchObject({ ok: false, error: { code: 'BROKER_REQUEST_INVALID', retryable: false } });
  });
});
