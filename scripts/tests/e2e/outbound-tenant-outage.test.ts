import { startE2eGateway } from './support/e2e-gateway';
import type { E2eGateway } from './support/e2e-gateway';
import type { TestMetaNumber } from './support/gateway-test-config';
import { auditSends, stageTextRows, waitForRows } from './support/outbound-traffic';
import type { Conversation } from './support/outbound-traffic';
import { postgresAdminUrl, queryDatabase } from './support/test-postgres';

jest.setTimeout(180_000);

/**
 * A database outage as the gateway sees it: new connections are refused and open ones are cut. The
 * database name comes from uniqueDatabaseName (lowercase letters, digits, underscores).
 */
const setDatabaseReachable = async (name: string, reachable: boolean): Promise<void> => {
  await queryDatabase(postgresAdminUrl(), `ALTER DATABASE ${name} ALLOW_CONNECTIONS ${reachable ? 'true' : 'false'}`);
  if (!reachable) {
    await queryDatabase(postgresAdminUrl(), 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  }
};

describe('local mode, end to end: one tenant database down while rows wait to be sent', () => {
  let harness: E2eGateway;
  let downNumber: TestMetaNumber;
  let downDatabase: string;

  beforeAll(async () => {
    harness = await startE2eGateway({
      prepare: async (config, { databaseName, createPostgresDatabase }) => {
        downDatabase = databaseName('wagw_e2e_outbound_down');
        const url = await createPostgresDatabase(downDatabase);
        downNumber = config.newMetaNumber('down-tenant', '100000000000005');
        config.addTenant('down-tenant', { engine: 'postgres', url, poolMax: 2 }, [downNumber]);
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (downDatabase !== undefined) await setDatabaseReachable(downDatabase, true).catch(() => undefined);
    await harness?.stop();
  }, 60_000);

  it('keeps sending for the other tenants while one database is down, and sends that tenant\'s rows once it is back', async () => {
    // Prepare: rows for three tenants, staged while the collector is paused; then one database goes down
    const { config, gateway, rows } = harness;
    const conversations: Conversation[] = [
      { tenantId: config.pgliteNumber.tenantId, provider: 'meta', channelId: config.pgliteNumber.phoneNumberId, toId: '15550100001' },
      { tenantId: config.whapiChannel.tenantId, provider: 'whapi', channelId: config.whapiChannel.channelId, toId: '15550100002' },
      { tenantId: config.postgresNumber.tenantId, provider: 'meta', channelId: config.postgresNumber.phoneNumberId, toId: '15550100003' },
      { tenantId: 'down-tenant', provider: 'meta', channelId: downNumber.phoneNumberId, toId: '15550100004' },
      { tenantId: 'down-tenant', provider: 'meta', channelId: downNumber.phoneNumberId, toId: '15550100005' },
    ];
    await gateway.pauseCollector();
    const staged = await stageTextRows(rows, conversations, 100, 'OUTAGE');
    const healthy = staged.filter((row) => row.tenantId !== 'down-tenant');
    const waiting = staged.filter((row) => row.tenantId === 'down-tenant');
    await setDatabaseReachable(downDatabase, false);

    // Act: the collector runs again while down-tenant's database refuses connections
    gateway.resumeCollector();
    const healthyRows = await waitForRows(rows, healthy, (row) => row.status === 'read');

    // Assert: the healthy tenants are done; nothing of down-tenant was sent
    expect(healthyRows).toHaveLength(healthy.length);
    expect(gateway.sandbox.sent.filter((message) => message.channelId === downNumber.phoneNumberId)).toEqual([]);

    // Act: the database comes back
    await setDatabaseReachable(downDatabase, true);
    const caughtUp = await waitForRows(rows, waiting, (row) => row.status === 'read');

    // Assert: every row of the tenant that waited is read, each sent once and in order
    expect(caughtUp).toHaveLength(waiting.length);
    const audit = auditSends(gateway.sandbox.sent, staged);
    expect(audit.missing).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
  });
});
