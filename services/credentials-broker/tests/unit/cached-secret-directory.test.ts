import { CredentialsUnavailableError } from '@wagw/core/errors';
import { CachedSecretDirectory } from '../../src/cached-secret-directory';
import type { SecretDirectory } from '../../src/secret-directory';
import { acmeTenant, FakeClock, globexTenant, InMemoryRevisionedSecretStore, InMemorySecretStore, tenantSecret } from '../support/records';

describe('CachedSecretDirectory', () => {
  it('reads the store once while the TTL lasts', async () => {
    const store = new InMemorySecretStore([tenantSecret(acmeTenant())]);
    const clock = new FakeClock();
    const cache = new CachedSecretDirectory(store, { ttlMs: 60_000, clock });

    await cache.current();
    clock.advance(59_999);
    const directory = await cache.current();

    expect(store.loads).toBe(1);
    expect(directory.getTenantDatabase('acme')).toEqual(acmeTenant().database);
  });

  it('reads the store again once the TTL has passed', async () => {
    const store = new InMemorySecretStore([tenantSecret(acmeTenant())]);
    const clock = new FakeClock();
    const cache = new CachedSecretDirectory(store, { ttlMs: 60_000, clock });
    await cache.current();

    store.records = [tenantSecret(globexTenant())];
    clock.advance(60_000);
    const directory = await cache.current();

    expect(store.loads).toBe(2);
    expect(directory.resolveChannel('meta', '2220002').tenantId).toBe('globex');
  });

  it('shares one load between concurrent requests', async () => {
    const store = new InMemorySecretStore([tenantSecret(acmeTenant())]);
    const cache = new CachedSecretDirectory(store, { ttlMs: 60_000 });

    const directories = await Promise.all([cache.current(), cache.current(), cache.current()]);

    expect(store.loads).toBe(1);
    expect(new Set(directories).size).toBe(1);
  });

  it('does not cache a failed load', async () => {
    const store = new InMemorySecretStore([tenantSecret(acmeTenant())]);
    const cache = new CachedSecretDirectory(store, { ttlMs: 60_000 });
    store.failure = new CredentialsUnavailableError('down');
    await expect(cache.current()).rejects.toBeInstanceOf(CredentialsUnavailableError);

    store.failure = undefined;
    const directory = await cache.current();

    expect(directory.getTenantDatabase('acme')).toEqual(acmeTenant().database);
    expect(store.loads).toBe(2);
  });

  it('reloads within the TTL as soon as the store reports a new revision', async () => {
    const store = new InMemoryRevisionedSecretStore([tenantSecret(acmeTenant())]);
    const cache = new CachedSecretDirectory(store, { ttlMs: 60_000, clock: new FakeClock() });
    await cache.current();
    await cache.current();
    expect(store.loads).toBe(1);

    store.records = [tenantSecret(acmeTenant()), tenantSecret(globexTenant())];
    store.revisionValue = 'r2';
    const directory = await cache.current();

    expect(store.loads).toBe(2);
    expect(directory.getTenantDatabase('globex')).toEqual(globexTenant().database);
  });

  it('with a TTL of 0 reads the store on every request', async () => {
    const store = new InMemorySecretStore([tenantSecret(acmeTenant())]);
    const cache = new CachedSecretDirectory(store, { ttlMs: 0, clock: new FakeClock() });

    await cache.current();
    await cache.current();

    expect(store.loads).toBe(2);
  });

  it('hands every fresh directory to onLoad once', async () => {
    const loaded: SecretDirectory[] = [];
    const store = new InMemorySecretStore([tenantSecret(acmeTenant())]);
    const cache = new CachedSecretDirectory(store, { ttlMs: 60_000, onLoad: (directory) => loaded.push(directory) });

    await Promise.all([cache.current(), cache.current()]);
    cache.invalidate();
    await cache.current();

    expect(loaded).toHaveLength(2);
  });
});
