import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { bundleLambda } from '../../src/lambda-bundle';
import { callHandlerInChild, coldStartFiles, mapSources, MSSQL_SOURCE } from '../support/lambda-asset';
import type { ProbeAnswer, ProbeRequest } from '../support/tenant-db-probe';

// The tenant-db drivers as a deployed function runs them: createTenantStore inside a bundle made by
// bundleLambda, run by a fresh node, each dialect adapter loaded from its own chunk by dynamic import.

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withPgClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** A local TCP port nothing listens on (bound to port 0, then released). */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

describe('tenant-db drivers inside a Lambda bundle', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'wagw-driver-probe-'));
  const probeDir = path.join(workDir, 'probe');
  const probe = (request: ProbeRequest): ProbeAnswer => {
    const run = callHandlerInChild(path.join(probeDir, 'index.mjs'), request, {});
    if (run.status !== 0) throw new Error(`the probe exited with ${run.status}: ${run.stderr}`);
    return run.result as ProbeAnswer;
  };

  beforeAll(() => {
    bundleLambda(path.join(__dirname, '..', 'support', 'tenant-db-probe.ts'), probeDir);
  }, 60_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('bundles mssql and tedious only into a chunk that the probe does not load at cold start', () => {
    const eager = coldStartFiles(probeDir);
    expect([...eager].filter((file) => mapSources(probeDir, file).some((source) => MSSQL_SOURCE.test(source)))).toEqual([]);
  });

  describe('PostgreSQL', () => {
    const database = `wagw_test_${randomBytes(6).toString('hex')}`;

    beforeAll(() => withPgClient((client) => client.query(`CREATE DATABASE ${database}`)));
    afterAll(() => withPgClient((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)));

    it('migrates a fresh tenant database and reads back a row it wrote', () => {
      // Prepare
      const url = new URL(PG_URL);
      url.pathname = `/${database}`;

      // Act
      const answer = probe({ settings: { engine: 'postgres', url: url.toString() }, tenantId: 'probe-postgres' });

      // Assert
      expect(answer).toMatchObject({ ok: true, engine: 'postgres', row: { toId: '15551234567', status: 'pending' } });
      expect((answer as { appliedMigrations: number[] }).appliedMigrations.length).toBeGreaterThan(0);
    });
  });

  it('loads the SQL Server chunk (mssql, tedious) and reports an unreachable server as unavailable', async () => {
    // Prepare
    const url = `mssql://sa:unused@127.0.0.1:${await closedPort()}/master?connectTimeout=3000`;

    // Act
    const answer = probe({ settings: { engine: 'mssql', url }, tenantId: 'probe-mssql' });

    // Assert
    expect(answer).toMatchObject({ ok: false, code: 'TENANT_DB_UNAVAILABLE', retryable: true, message: expect.stringContaining('probe-mssql') });
  });

  it('refuses a PGlite tenant with a permanent configuration error: PGlite is local mode only', () => {
    // Act
    const answer = probe({ settings: { engine: 'pglite', dataDir: path.join(workDir, 'pglite') }, tenantId: 'probe-pglite' });

    // Assert
    expect(answer).toMatchObject({ ok: false, code: 'CONFIG_INVALID', retryable: false, message: expect.stringContaining('local mode only') });
  });
});
