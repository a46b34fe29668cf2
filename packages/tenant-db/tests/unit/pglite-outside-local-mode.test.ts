import type { ConfigError as ConfigErrorClass } from '@wagw/core';
import type { createTenantStore as createTenantStoreFunction } from '../../src/create-tenant-store';

interface Isolated {
  createTenantStore: typeof createTenantStoreFunction;
  ConfigError: typeof ConfigErrorClass;
}

/** createTenantStore (and ConfigError) from a fresh module registry in which loading PGlite throws `failure`. */
const withPgliteFailing = async (failure: Error, act: (isolated: Isolated) => Promise<void>) => {
  await jest.isolateModulesAsync(async () => {
    jest.doMock('@electric-sql/pglite', () => {
      throw failure;
    });
    const { createTenantStore } = await import('../../src/create-tenant-store');
    const { ConfigError } = await import('@wagw/core');
    await act({ createTenantStore, ConfigError });
  });
};

const notFound = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('a PGlite tenant where PGlite is not deployed (Lambda bundles leave it out)', () => {
  it.each([
    ['an ES module import', notFound("Cannot find package '@electric-sql/pglite' imported from /var/task/chunk-X.mjs", 'ERR_MODULE_NOT_FOUND')],
    ['a require', notFound("Cannot find module '@electric-sql/pglite'\nRequire stack:\n- /var/task/index.js", 'MODULE_NOT_FOUND')],
  ])('is a permanent configuration error naming local mode (%s)', async (_case, failure) => {
    await withPgliteFailing(failure, async ({ createTenantStore, ConfigError }) => {
      // Act
      const attempt = createTenantStore({ engine: 'pglite', dataDir: '/tmp/never-opened' }, { tenantId: 'acme' });

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
      await expect(attempt).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        retryable: false,
        message: expect.stringMatching(/tenant acme .*PGlite tenant databases exist in local mode only/),
      });
    });
  });

  it.each([
    ['another missing module', notFound("Cannot find module 'some-other-package'", 'MODULE_NOT_FOUND')],
    ['a failure inside PGlite', new TypeError('WebAssembly.instantiate failed')],
  ])('passes %s through unchanged', async (_case, failure) => {
    await withPgliteFailing(failure, async ({ createTenantStore }) => {
      // Act
      const attempt = createTenantStore({ engine: 'pglite', dataDir: '/tmp/never-opened' });

      // Assert
      await expect(attempt).rejects.toBe(failure);
    });
  });
});
