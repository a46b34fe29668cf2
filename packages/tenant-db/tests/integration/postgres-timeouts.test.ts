import { TenantDatabaseUnavailableError } from '@wagw/core';
import pg from 'pg';
import { DEFAULT_POSTGRES_TIMEOUTS, PostgresTenantStore, postgresPoolConfig, type PostgresSettings } from '../../src/postgres-tenant-store';
import { dialectTargets, type TargetDatabase } from '../support/dialect-targets';
import { startFreezableProxy, type FreezableProxy } from '../support/freezable-proxy';
import { anInboundRow } from '../support/inbound-row-builder';

jest.setTimeout(60_000);

/** Short timeouts so these tests wait a fraction of a second; the defaults are checked separately. */
const SHORT = { connectTimeoutMs: 300, statementTimeoutMs: 300, queryTimeoutMs: 400 };

const postgresTarget = dialectTargets.find((target) => target.name === 'PostgreSQL');

const throughProxy = (settings: PostgresSettings, proxy: FreezableProxy): PostgresSettings => {
  const url = new URL(settings.url);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { ...settings, url: url.toString() };
};

describe('PostgreSQL tenant store timeouts', () => {
  let database: TargetDatabase;
  let settings: PostgresSettings;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await (postgresTarget as NonNullable<typeof postgresTarget>).create();
    settings = database.settings as PostgresSettings;
    const migrator = new PostgresTenantStore(settings, { tenantId: 'tenant-timeouts' });
    await migrator.migrate();
    await migrator.close();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('bounds connecting, statements and silent servers well below the function timeout by default', () => {
    // Act
    const config = postgresPoolConfig({ engine: 'postgres', url: 'postgres://u@h/db' });

    // Assert
    expect(DEFAULT_POSTGRES_TIMEOUTS).toEqual({ connectTimeoutMs: 3_000, statementTimeoutMs: 5_000, queryTimeoutMs: 6_000 });
    expect(config).toMatchObject({ connectionTimeoutMillis: 3_000, statement_timeout: 5_000, query_timeout: 6_000 });
  });

  it('reports a server that accepts the connection but never answers as unavailable', async () => {
    // Prepare
    const proxy = await startFreezableProxy({ host: '127.0.0.1', port: Number(new URL(settings.url).port || 5432) }, { frozen: true });
    cleanups.push(() => proxy.close());
    const store = new PostgresTenantStore(throughProxy(settings, proxy), { tenantId: 'tenant-black-hole', timeouts: SHORT });
    cleanups.push(() => store.close());

    // Act
    const attempt = store.insertInboundMessage(anInboundRow());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('tenant-black-hole') });
  });

  it('reports a server that stops answering after connecting as unavailable', async () => {
    // Prepare
    const proxy = await startFreezableProxy({ host: '127.0.0.1', port: Number(new URL(settings.url).port || 5432) });
    cleanups.push(() => proxy.close());
    const store = new PostgresTenantStore(throughProxy(settings, proxy), { tenantId: 'tenant-hung', timeouts: SHORT });
    cleanups.push(() => store.close());
    await expect(store.insertInboundMessage(anInboundRow())).resolves.toEqual({ outcome: 'inserted' });
    proxy.freeze();

    // Act
    const attempt = store.insertInboundMessage(anInboundRow());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
  });

  it('reports a statement the server cancels at statement_timeout as unavailable, and keeps working afterwards', async () => {
    // Prepare
    const locker = new pg.Client({ connectionString: settings.url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE wa_inbound_messages IN ACCESS EXCLUSIVE MODE');
    const store = new PostgresTenantStore(settings, {
      tenantId: 'tenant-slow',
      timeouts: { ...SHORT, queryTimeoutMs: 30_000 },
    });
    cleanups.push(() => store.close());

    // Act
    const attempt = store.insertInboundMessage(anInboundRow());

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: '57014' }) });
    await locker.query('ROLLBACK');
    await expect(store.insertInboundMessage(anInboundRow())).resolves.toEqual({ outcome: 'inserted' });
  });
});
