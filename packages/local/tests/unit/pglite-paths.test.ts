import { resolve } from 'node:path';
import type { BrokerResponseV1 } from '@wagw/contracts';
import { resolvePgliteDataDir, withResolvedPglitePaths } from '../../src/pglite-paths';

describe('PGlite data directories in local mode', () => {
  it('resolves a relative dataDir against the state directory', () => {
    expect(resolvePgliteDataDir('db/acme', '/srv/state')).toBe(resolve('/srv/state', 'db/acme'));
  });

  it('keeps absolute paths and memory:// as they are', () => {
    expect(resolvePgliteDataDir('/data/acme', '/srv/state')).toBe('/data/acme');
    expect(resolvePgliteDataDir('memory://', '/srv/state')).toBe('memory://');
  });

  it("rewrites only the broker's getTenantDatabase answers for PGlite", async () => {
    // Prepare
    const answers: Record<string, BrokerResponseV1> = {
      getTenantDatabase: { ok: true, result: { engine: 'pglite', dataDir: 'db/acme' } },
      resolveChannel: { ok: true, result: { tenantId: 'acme', provider: 'meta', channelId: '1', dataDir: 'db/x' } },
    };
    const broker = withResolvedPglitePaths(async (event) => answers[(event as { op: string }).op]!, '/srv/state');

    // Act
    const database = await broker({ op: 'getTenantDatabase', tenantId: 'acme' });
    const owner = await broker({ op: 'resolveChannel', provider: 'meta', channelId: '1' });

    // Assert
    expect(database).toEqual({ ok: true, result: { engine: 'pglite', dataDir: resolve('/srv/state', 'db/acme') } });
    expect(owner).toEqual(answers.resolveChannel);
  });

  it('passes a postgres answer and error answers through untouched', async () => {
    // Prepare
    const postgres: BrokerResponseV1 = { ok: true, result: { engine: 'postgres', url: 'postgres://x/db' } };
    const failure: BrokerResponseV1 = { ok: false, error: { code: 'TENANT_NOT_FOUND', message: 'no tenant x', retryable: false } };

    // Act & Assert
    expect(await withResolvedPglitePaths(async () => postgres, '/s')({ op: 'getTenantDatabase', tenantId: 'a' })).toEqual(postgres);
    expect(await withResolvedPglitePaths(async () => failure, '/s')({ op: 'getTenantDatabase', tenantId: 'x' })).toEqual(failure);
  });
});
