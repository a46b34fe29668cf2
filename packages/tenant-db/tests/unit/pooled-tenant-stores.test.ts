import type { DatabaseSettingsV1 } from '@wagw/contracts';
import { TenantDatabaseUnavailableError } from '@wagw/core';
import { PooledTenantStores, type TenantDbLogger } from '../../src/pooled-tenant-stores';
import { fakeStoreFactory } from '../support/fake-tenant-store';

const IDLE_MS = 60_000;

const setup = (initial: Record<string, DatabaseSettingsV1> = {}) => {
  const settings = new Map(Object.entries(initial));
  const factory = fakeStoreFactory();
  let clock = 1_000_000;
  const lines: string[] = [];
  const logger: TenantDbLogger = {
    info: (fields, message) => lines.push(JSON.stringify({ ...fields, message })),
    warn: (fields, message) => lines.push(JSON.stringify({ ...fields, message })),
  };
  const stores = new PooledTenantStores({
    settingsFor: async (tenantId) => {
      const found = settings.get(tenantId);
      if (found === undefined) throw new Error(`no settings for ${tenantId}`);
      return found;
    },
    idleMs: IDLE_MS,
    createStore: factory.create,
    now: () => clock,
    sweepEveryMs: 0,
    logger,
  });
  return {
    stores,
    settings,
    opened: factory.opened,
    lines,
    advance: (ms: number) => {
      clock += ms;
    },
  };
};

const pgA: DatabaseSettingsV1 = { engine: 'postgres', url: 'postgres://gateway:s3cret-a@db-a:5432/tenant_a' };
const pgB: DatabaseSettingsV1 = { engine: 'postgres', url: 'postgres://gateway:s3cret-b@db-b:5432/tenant_b' };

describe('PooledTenantStores', () => {
  it('reuses one store per tenant across calls', async () => {
    // Prepare
    const { stores, opened } = setup({ a: pgA });

    // Act
    const first = await stores.forTenant('a');
    const second = await stores.forTenant('a');

    // Assert
    expect(second).toBe(first);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.tenantId).toBe('a');
  });

  it('opens a separate store for each tenant', async () => {
    // Prepare
    const { stores, opened } = setup({ a: pgA, b: pgB });

    // Act
    const [a, b] = await Promise.all([stores.forTenant('a'), stores.forTenant('b')]);

    // Assert
    expect(a).not.toBe(b);
    expect(opened.map((store) => store.settings)).toEqual([pgA, pgB]);
  });

  it('opens a tenant only once when callers ask concurrently', async () => {
    // Prepare
    const { stores, opened } = setup({ a: pgA });

    // Act
    const all = await Promise.all(Array.from({ length: 5 }, () => stores.forTenant('a')));

    // Assert
    expect(new Set(all).size).toBe(1);
    expect(opened).toHaveLength(1);
  });

  it('opens a new store when the tenant settings change, and closes the old one', async () => {
    // Prepare
    const { stores, settings, opened } = setup({ a: pgA });
    const before = await stores.forTenant('a');
    settings.set('a', { ...pgA, url: 'postgres://gateway:rotated@db-a:5432/tenant_a' });

    // Act
    const after = await stores.forTenant('a');
    await new Promise(setImmediate);

    // Assert
    expect(after).not.toBe(before);
    expect(opened).toHaveLength(2);
    expect(opened[0]?.closed).toBe(true);
  });

  it('keeps the store when equal settings arrive as a new object with keys in another order', async () => {
    // Prepare
    const { stores, settings, opened } = setup({ a: { engine: 'postgres', url: 'postgres://x/a', poolMax: 3 } });
    await stores.forTenant('a');
    settings.set('a', { poolMax: 3, url: 'postgres://x/a', engine: 'postgres' } as DatabaseSettingsV1);

    // Act
    await stores.forTenant('a');

    // Assert
    expect(opened).toHaveLength(1);
  });

  it('closes a store left unused for idleMs, and opens a fresh one on the next call', async () => {
    // Prepare
    const { stores, opened, advance } = setup({ a: pgA });
    await stores.forTenant('a');
    advance(IDLE_MS);

    // Act
    await stores.closeIdle();
    const reopened = await stores.forTenant('a');

    // Assert
    expect(opened[0]?.closed).toBe(true);
    expect(reopened).toBe(opened[1]);
    expect(stores.openTenants()).toEqual(['a']);
  });

  it('keeps a store that was used within idleMs', async () => {
    // Prepare
    const { stores, opened, advance } = setup({ a: pgA, b: pgB });
    await stores.forTenant('a');
    await stores.forTenant('b');
    advance(IDLE_MS - 1);
    await stores.forTenant('a');
    advance(1);

    // Act
    await stores.closeIdle();

    // Assert
    expect(opened.map((store) => store.closed)).toEqual([false, true]);
    expect(stores.openTenants()).toEqual(['a']);
  });

  it('does not keep a store that failed to open, so the next call tries again', async () => {
    // Prepare
    const factory = fakeStoreFactory();
    let failures = 1;
    const stores = new PooledTenantStores({
      settingsFor: async () => pgA,
      idleMs: IDLE_MS,
      sweepEveryMs: 0,
      createStore: async (settings, options) => {
        if (failures-- > 0) throw new TenantDatabaseUnavailableError('a');
        return factory.create(settings, options);
      },
    });

    // Act
    const first = stores.forTenant('a');
    await expect(first).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    const second = await stores.forTenant('a');

    // Assert
    expect(second).toBe(factory.opened[0]);
  });

  it('passes a settings lookup failure to the caller without opening anything', async () => {
    // Prepare
    const { stores, opened } = setup({});

    // Act
    const attempt = stores.forTenant('nobody');

    // Assert
    await expect(attempt).rejects.toThrow('no settings for nobody');
    expect(opened).toHaveLength(0);
  });

  it('closes every store on closeAll', async () => {
    // Prepare
    const { stores, opened } = setup({ a: pgA, b: pgB });
    await stores.forTenant('a');
    await stores.forTenant('b');

    // Act
    await stores.closeAll();

    // Assert
    expect(opened.every((store) => store.closed)).toBe(true);
    expect(stores.openTenants()).toEqual([]);
  });

  it('never logs connection settings', async () => {
    // Prepare
    const { stores, settings, lines, advance } = setup({ a: pgA });
    await stores.forTenant('a');
    settings.set('a', pgB);
    await stores.forTenant('a');
    advance(IDLE_MS);

    // Act
    await stores.closeIdle();

    // Assert
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/s3cret|postgres:\/\//);
  });

  it('closes idle stores on its own timer', async () => {
    // Prepare
    jest.useFakeTimers();
    try {
      const factory = fakeStoreFactory();
      let clock = 0;
      const stores = new PooledTenantStores({
        settingsFor: async () => pgA,
        idleMs: 5_000,
        createStore: factory.create,
        now: () => clock,
      });
      await stores.forTenant('a');

      // Act
      clock = 5_000;
      await jest.advanceTimersByTimeAsync(5_000);

      // Assert
      expect(factory.opened[0]?.closed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
