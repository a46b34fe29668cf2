import { TenantDatabaseUnavailableError } from '@wagw/core';
import { createTenantStore } from '../../src/create-tenant-store';
import { closedPort } from '../support/closed-port';

const mockLoaded: string[] = [];

jest.mock('mssql', () => {
  mockLoaded.push('mssql');
  return jest.requireActual('mssql');
});
jest.mock('@electric-sql/pglite', () => {
  mockLoaded.push('pglite');
  return jest.requireActual('@electric-sql/pglite');
});

jest.setTimeout(60_000);

describe('createTenantStore', () => {
  it('opens a PostgreSQL tenant without loading the SQL Server or PGlite drivers', async () => {
    // Act
    const store = await createTenantStore({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await store.close();

    // Assert
    expect(store.engine).toBe('postgres');
    expect(mockLoaded).toEqual([]);
  });

  it('loads the SQL Server driver for a SQL Server tenant, and reports an unreachable server as unavailable', async () => {
    // Prepare
    const url = `mssql://sa:unused@127.0.0.1:${await closedPort()}/master?connectTimeout=3000`;

    // Act
    const attempt = createTenantStore({ engine: 'mssql', url }, { tenantId: 'tenant-mssql' });

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('tenant-mssql') });
    expect(mockLoaded).toContain('mssql');
    expect(mockLoaded).not.toContain('pglite');
  });
});

describe('closing a store', () => {
  it('can be repeated', async () => {
    // Prepare
    const store = await createTenantStore({ engine: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' });

    // Act
    const closes = Promise.all([store.close(), store.close()]).then(() => store.close());

    // Assert
    await expect(closes).resolves.toBeUndefined();
  });
});
