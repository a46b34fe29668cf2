import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { encodeLease } from '../../src/outbound-row-codec';
import { PostgresTenantStore, type PostgresSettings } from '../../src/postgres-tenant-store';
import { postgresStatements as sql } from '../../src/sql/postgres';
import { dialectTargets, type TargetDatabase } from '../support/dialect-targets';
import { aNewOutboundMessage, at, LEASE_SECONDS } from '../support/outbound-builders';

jest.setTimeout(60_000);

const postgresTarget = dialectTargets.find((target) => target.name === 'PostgreSQL');

/** Whether some session waits for an advisory lock (the lease lock) of this database. */
const someoneWaitsForTheLeaseLock = async (client: pg.Client): Promise<boolean> => {
  const result = await client.query(
    `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return result.rows.length > 0;
};

/**
 * Two collectors leasing at the same moment (PostgreSQL only: PGlite runs one statement at a time).
 * The conversation check reads the statement's snapshot, so without the lease lock a lease that began
 * while another was still uncommitted would see the elder row as not in flight and take the younger.
 */
describe('PostgreSQL leases racing on one conversation', () => {
  let database: TargetDatabase;
  let store: PostgresTenantStore;
  let collector: pg.Client;

  beforeAll(async () => {
    database = await (postgresTarget as NonNullable<typeof postgresTarget>).create();
    store = new PostgresTenantStore(database.settings as PostgresSettings, { tenantId: 'tenant-lease-race' });
    await store.migrate();
    collector = new pg.Client({ connectionString: (database.settings as PostgresSettings).url });
    await collector.connect();
  });

  afterAll(async () => {
    await collector?.end();
    await store?.close();
    await database?.drop();
  });

  it('never hands the younger row of a conversation to a lease that ran while another lease of its elder was uncommitted', async () => {
    // Prepare: r1 and r2 to one recipient; another collector is in the middle of leasing r1 alone (limit 1)
    const r1 = await store.insertOutboundMessage(aNewOutboundMessage({ toId: '15550001111' }));
    const r2 = await store.insertOutboundMessage(aNewOutboundMessage({ toId: '15550001111' }));
    const other = encodeLease({ limit: 1, now: at(0), leaseSeconds: LEASE_SECONDS });
    await collector.query('BEGIN');
    await collector.query(sql.lockLeases);
    const otherLease = await collector.query<{ id: string }>(sql.leaseDueMessages, [other.now, other.reserved_until, other.limit]);

    // Act: this store leases while the other lease is uncommitted; the other commits once this one waits (or is done)
    let settled = false;
    const racing = store.leaseDueMessages({ limit: 10, now: at(0), leaseSeconds: LEASE_SECONDS }).finally(() => {
      settled = true;
    });
    while (!settled && !(await someoneWaitsForTheLeaseLock(collector))) await sleep(10);
    await collector.query('COMMIT');
    const leased = await racing;

    // Assert
    expect(otherLease.rows.map((row) => String(row.id))).toEqual([r1]);
    expect(leased.map((row) => row.id)).not.toContain(r2);
    expect(leased).toEqual([]);
  });
});
