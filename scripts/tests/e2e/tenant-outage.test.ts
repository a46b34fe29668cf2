import { InboundMessageEventV1 } from '@wagw/contracts';
import { migrateTenantDatabase } from '@wagw/tenant-db/migrate-tenant-database';
import { startE2eGateway } from './support/e2e-gateway';
import type { E2eGateway } from './support/e2e-gateway';
import type { TestMetaNumber } from './support/gateway-test-config';
import { replayDlqWithCli } from './support/ops-tools';
import { databaseUrl } from './support/test-postgres';
import { waitFor } from '@wagw/local/wait-for';
import { metaMessagesWebhook, postMetaWebhook } from './support/webhook-builders';

jest.setTimeout(90_000);

const CUSTOMER = '15550001111';

describe('local mode, end to end: one tenant database down', () => {
  let harness: E2eGateway;
  let downNumber: TestMetaNumber;
  let downDatabase: string;

  beforeAll(async () => {
    harness = await startE2eGateway({
      prepare: (config, { databaseName }) => {
        // Two PostgreSQL tenants; `down-tenant` points at a database that does not exist (yet).
        config.removeTenant(config.pgliteNumber.tenantId);
        downDatabase = databaseName('wagw_e2e_down');
        downNumber = config.newMetaNumber('down-tenant', '100000000000003');
        config.addTenant('down-tenant', { engine: 'postgres', url: databaseUrl(downDatabase) }, [downNumber]);
      },
      // Two deliveries, 2 s apart, then the DLQ: the same path as in AWS, in seconds rather than minutes.
      queues: { 'inbound-events': { visibilityTimeoutSeconds: 2, maxReceiveCount: 2 } },
    });
  }, 90_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('dead-letters the event of the tenant whose database is down, writes the other tenant of the same webhook, and writes the dead letter once the database is fixed and the DLQ replayed', async () => {
    // Prepare
    const { config, gateway, inspector, rows } = harness;
    const healthy = config.postgresNumber;
    const body = metaMessagesWebhook([
      { phoneNumberId: downNumber.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-OUTAGE-DOWN', type: 'text', text: 'For the tenant that is down' },
      { phoneNumberId: healthy.phoneNumberId, from: CUSTOMER, id: 'wamid.E2E-OUTAGE-HEALTHY', type: 'text', text: 'For the healthy tenant' },
    ]);
    const dlqUrl = gateway.dlqUrls['inbound-events'];

    // Act: the webhook arrives while down-tenant's database is missing
    const response = await postMetaWebhook(gateway.url, body, { appSecret: config.metaApp.appSecret });

    // Assert: accepted; the healthy tenant's row is written; the other event is retried, then dead-lettered
    expect(response.status).toBe(200);
    const healthyRow = await rows.waitForRow(healthy.tenantId, { provider: 'meta', channelId: healthy.phoneNumberId, providerMessageId: 'wamid.E2E-OUTAGE-HEALTHY' });
    expect(healthyRow.body).toBe('For the healthy tenant');
    const deadLetters = await waitFor(
      async () => {
        const messages = await inspector.peek(dlqUrl);
        return messages.length > 0 ? messages : undefined;
      },
      { what: 'the event to reach inbound-events-dlq.fifo', timeoutMs: 40_000 },
    );
    expect(deadLetters).toHaveLength(1);
    const deadEvent = InboundMessageEventV1.parse(JSON.parse(deadLetters[0]?.Body ?? '{}'));
    expect(deadEvent).toMatchObject({ tenantId: 'down-tenant', channelId: downNumber.phoneNumberId, providerMessageId: 'wamid.E2E-OUTAGE-DOWN' });
    expect(await inspector.queueDepth(gateway.queueUrls['inbound-events'])).toEqual({ visible: 0, inFlight: 0 });
    expect(gateway.pollers['inbound-writer'].counters.failed).toBeGreaterThanOrEqual(2);

    // Act: fix the database (create + migrate), then replay the DLQ
    await harness.createPostgresDatabase(downDatabase);
    await migrateTenantDatabase({ engine: 'postgres', url: databaseUrl(downDatabase) }, { tenantId: 'down-tenant' });
    const replay = await replayDlqWithCli(gateway, 'inbound-events');

    // Assert: nothing lost — the row is written, the DLQ is empty
    expect(replay.exitCode).toBe(0);
    expect(replay.output.at(-1)).toBe('1 replayed to inbound-events, 0 failed (left on the DLQ)');
    const row = await rows.waitForRow('down-tenant', { provider: 'meta', channelId: downNumber.phoneNumberId, providerMessageId: 'wamid.E2E-OUTAGE-DOWN' });
    expect(row.body).toBe('For the tenant that is down');
    expect(await inspector.queueDepth(dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect((await rows.list(healthy.tenantId)).map((candidate) => candidate.providerMessageId)).not.toContain('wamid.E2E-OUTAGE-DOWN');
  });
});
