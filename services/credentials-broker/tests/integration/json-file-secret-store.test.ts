import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigV1 } from '@wagw/contracts';
import { CredentialsUnavailableError, SecretRecordInvalidError } from '@wagw/core/errors';
import { answerBrokerRequest } from '../../src/answer-broker-request';
import { CachedSecretDirectory } from '../../src/cached-secret-directory';
import { JsonFileSecretStore } from '../../src/json-file-secret-store';
import { acmeTenant, globexTenant, metaApp, SECRET_VALUES } from '../support/records';

let dir: string;
let path: string;

const writeConfig = (config: unknown) => writeFile(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'broker-file-'));
  path = join(dir, 'gateway.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JsonFileSecretStore', () => {
  it('serves the apps and tenants of the gateway config file', async () => {
    await writeConfig({ metaApps: [metaApp()], tenants: [acmeTenant(), globexTenant()] } satisfies GatewayConfigV1);
    const directory = await new CachedSecretDirectory(new JsonFileSecretStore(path), { ttlMs: 60_000 }).current();

    expect(directory.listMetaApps()).toEqual([metaApp()]);
    expect(directory.resolveChannel('meta', '2220002').tenantId).toBe('globex');
    expect(directory.listTenants().map((tenant) => tenant.tenantId)).toEqual(['acme', 'globex']);
    expect(directory.problems).toEqual([]);
  });

  it('picks up an edited file without a restart, even inside the cache TTL', async () => {
    // Prepare: a broker with a long cache that has already answered
    await writeConfig({ metaApps: [metaApp()], tenants: [acmeTenant()] });
    const deps = { directory: new CachedSecretDirectory(new JsonFileSecretStore(path), { ttlMs: 3_600_000 }), logger: silent };
    const before = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '2220002' });
    expect(before).toMatchObject({ ok: false, error: { code: 'CHANNEL_NOT_FOUND' } });

    // Act: onboard globex
    await writeConfig({ metaApps: [metaApp()], tenants: [acmeTenant(), globexTenant()] });
    const after = await answerBrokerRequest(deps, { op: 'resolveChannel', provider: 'meta', channelId: '2220002' });

    // Assert
    expect(after).toEqual({ ok: true, result: { tenantId: 'globex', provider: 'meta', channelId: '2220002', metaAppId: 'app-2', wabaId: 'waba-globex' } });
  });

  it('does not read the file again while it is unchanged', async () => {
    await writeConfig({ tenants: [acmeTenant()] });
    const store = new JsonFileSecretStore(path);

    const first = await store.load();
    const second = await store.load();

    expect(second).toBe(first);
  });

  it('names the entry and the field of a bad tenant and serves the other tenants', async () => {
    await writeConfig({ tenants: [{ ...acmeTenant(), database: { engine: 'oracle', url: 'acme-db-password' } }, globexTenant()] });
    const directory = await new CachedSecretDirectory(new JsonFileSecretStore(path), { ttlMs: 60_000 }).current();

    expect(() => directory.getTenantDatabase('acme')).toThrow(/gateway\.json#\/tenants\/0 is invalid: database/);
    expect(directory.getTenantDatabase('globex')).toEqual(globexTenant().database);
    for (const problem of directory.problems) for (const secret of SECRET_VALUES) expect(problem.problem).not.toContain(secret);
  });

  it('refuses a file that is not JSON without quoting it', async () => {
    await writeConfig('{"tenants": [{"tenantId": "acme", "accessToken": "acme-meta-access-token"');

    const failure = new JsonFileSecretStore(path).load();

    await expect(failure).rejects.toBeInstanceOf(SecretRecordInvalidError);
    await expect(failure).rejects.toThrow('secret record gateway.json is invalid: the file is not valid JSON');
  });

  it('refuses a file whose tenants are not a list', async () => {
    await writeConfig({ tenants: { acme: acmeTenant() } });

    await expect(new JsonFileSecretStore(path).load()).rejects.toThrow('tenants must be an array');
  });

  it('reports a missing file as CredentialsUnavailableError', async () => {
    const failure = new JsonFileSecretStore(join(dir, 'missing.json')).load();

    await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
    await expect(failure).rejects.toThrow('(ENOENT)');
  });
});
