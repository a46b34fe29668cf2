import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CredentialsUnavailableError, SecretRecordInvalidError } from '@wagw/core/errors';
import { CachedSecretDirectory } from '../../src/cached-secret-directory';
import { SecretsManagerSecretStore } from '../../src/secrets-manager-secret-store';
import type { FakeSecretsManager } from '../support/fake-secrets-manager';
import { startFakeSecretsManager } from '../support/fake-secrets-manager';
import { acmeTenant, globexTenant, metaApp, SECRET_VALUES } from '../support/records';

const PREFIX = 'wagw-test';

let secretsManager: FakeSecretsManager;
let client: SecretsManagerClient;

const storeFor = (prefix = PREFIX) => new SecretsManagerSecretStore(client, prefix);
const directoryFor = (prefix = PREFIX) => new CachedSecretDirectory(storeFor(prefix), { ttlMs: 60_000 }).current();

const json = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  secretsManager = await startFakeSecretsManager();
  client = new SecretsManagerClient({
    endpoint: secretsManager.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await secretsManager.close();
});

beforeEach(() => {
  secretsManager.failWith = undefined;
  secretsManager.calls.length = 0;
  secretsManager.secrets = [
    { name: `${PREFIX}/meta-apps/app-1`, secretString: json(metaApp()) },
    { name: `${PREFIX}/tenants/acme`, secretString: json(acmeTenant()) },
    { name: `${PREFIX}/tenants/globex`, secretString: json(globexTenant()) },
    { name: `${PREFIX}/unrelated/thing`, secretString: 'not even json' },
    { name: `other-prefix/tenants/initech`, secretString: json({ ...globexTenant(), tenantId: 'initech' }) },
  ];
});

describe('SecretsManagerSecretStore (real SDK client, Secrets Manager JSON protocol)', () => {
  it('reads every app and tenant under its prefix, across list pages', async () => {
    const directory = await directoryFor();

    expect(directory.listMetaApps()).toEqual([metaApp()]);
    expect(directory.resolveChannel('meta', '1110001')).toMatchObject({ tenantId: 'acme', metaAppId: 'app-1' });
    expect(directory.getChannelCredentials('whapi', 'ACME-WHAPI')).toMatchObject({ apiToken: 'acme-whapi-token' });
    expect(directory.getTenantDatabase('globex')).toEqual({ engine: 'pglite', dataDir: 'memory://' });
    expect(directory.problems).toEqual([]);
    expect(secretsManager.calls.filter((call) => call === 'ListSecrets').length).toBeGreaterThan(1);
    expect(secretsManager.calls).toContain('BatchGetSecretValue');
  });

  it('lists the tenants of the {prefix}/tenants/ secrets, ids only', async () => {
    const directory = await directoryFor();

    expect(directory.listTenants()).toEqual([
      {
        tenantId: 'acme',
        defaultChannelId: '1110001',
        channels: [
          { provider: 'meta', channelId: '1110001' },
          { provider: 'whapi', channelId: 'ACME-WHAPI' },
        ],
      },
      { tenantId: 'globex', defaultChannelId: '2220002', channels: [{ provider: 'meta', channelId: '2220002' }] },
    ]);
    for (const secret of SECRET_VALUES) expect(JSON.stringify(directory.listTenants())).not.toContain(secret);
  });

  it("ignores secrets outside its prefix and folders", async () => {
    const directory = await directoryFor();

    expect(() => directory.getTenantDatabase('initech')).toThrow('no tenant initech');
  });

  it('reads more than one batch of 20 secrets', async () => {
    secretsManager.secrets = Array.from({ length: 45 }, (_, index) => ({
      name: `${PREFIX}/tenants/t${index}`,
      secretString: json({ ...globexTenant(), tenantId: `t${index}`, channels: [{ ...globexTenant().channels[0], channelId: `c${index}` }] }),
    }));

    const directory = await directoryFor();

    expect(directory.resolveChannel('meta', 'c44').tenantId).toBe('t44');
    expect(secretsManager.calls.filter((call) => call === 'BatchGetSecretValue')).toHaveLength(3);
  });

  it('turns a malformed secret into SecretRecordInvalidError naming the secret, without its content', async () => {
    secretsManager.secrets.push(
      { name: `${PREFIX}/tenants/broken`, secretString: '{"tenantId":"broken","database":{"engine":"postgres","url":"postgres://u:acme-db-password@h/db"' },
      { name: `${PREFIX}/tenants/wrong`, secretString: json({ ...acmeTenant(), tenantId: 'wrong', channels: [] }) },
    );

    const directory = await directoryFor();

    expect(() => directory.getTenantDatabase('broken')).toThrow(SecretRecordInvalidError);
    expect(() => directory.getTenantDatabase('broken')).toThrow(`secret record ${PREFIX}/tenants/broken is invalid: SecretString is not valid JSON`);
    expect(() => directory.getTenantDatabase('wrong')).toThrow(/wagw-test\/tenants\/wrong is invalid: channels: /);
    expect(directory.getTenantDatabase('acme')).toEqual(acmeTenant().database);
    for (const problem of directory.problems) for (const secret of SECRET_VALUES) expect(problem.problem).not.toContain(secret);
  });

  it('reports a secret that cannot be decrypted as an invalid record and serves the rest', async () => {
    secretsManager.secrets.push({ name: `${PREFIX}/tenants/locked`, batchError: 'DecryptionFailure' });

    const directory = await directoryFor();

    expect(() => directory.getTenantDatabase('locked')).toThrow('could not be read (DecryptionFailure)');
    expect(directory.getTenantDatabase('acme')).toEqual(acmeTenant().database);
  });

  it('rejects a tenant secret whose tenantId differs from its name', async () => {
    secretsManager.secrets.push({ name: `${PREFIX}/tenants/impostor`, secretString: json(acmeTenant()) });

    const directory = await directoryFor();

    expect(() => directory.getTenantDatabase('impostor')).toThrow(SecretRecordInvalidError);
    // the impostor also claims acme's channels: while a broken record claims a channel, nobody gets it
    expect(() => directory.resolveChannel('meta', '1110001')).toThrow(SecretRecordInvalidError);
  });

  it('throws a retryable CredentialsUnavailableError when Secrets Manager fails', async () => {
    secretsManager.failWith = 500;

    const failure = storeFor().load();

    await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
    await expect(failure).rejects.toMatchObject({ retryable: true, message: 'Secrets Manager ListSecrets failed (InternalServiceError)' });
  });

  it('throws CredentialsUnavailableError when a batch read is throttled', async () => {
    secretsManager.secrets.push({ name: `${PREFIX}/tenants/busy`, batchError: 'ThrottlingException' });

    await expect(storeFor().load()).rejects.toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE', retryable: true });
  });

  it('throws CredentialsUnavailableError when Secrets Manager cannot be reached', async () => {
    const unreachable = new SecretsManagerClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });

    await expect(new SecretsManagerSecretStore(unreachable, PREFIX).load()).rejects.toBeInstanceOf(CredentialsUnavailableError);
    unreachable.destroy();
  });

  it('finds nothing under an empty prefix folder', async () => {
    const directory = await directoryFor('nobody');

    expect(directory.listMetaApps()).toEqual([]);
  });
});
