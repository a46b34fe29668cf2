import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigV1 } from '@wagw/contracts';
import { freePort } from '../../src/free-port';
import { startLocalGateway } from '../../src/local-gateway';
import type { LocalGateway } from '../../src/local-gateway';
import { LOCAL_ADMIN_FUNCTION } from '../../src/service-environment';
import { waitFor } from '../../src/wait-for';

jest.setTimeout(180_000);

const APP_SECRET = 'local-gateway-spec-app-secret';

const configWithSandboxAt = (sandboxUrl: string): GatewayConfigV1 => ({
  metaApps: [{ appId: 'spec-app', appSecret: APP_SECRET, verifyToken: 'spec-verify-token' }],
  tenants: [
    {
      tenantId: 'spec-tenant',
      // Relative: resolved against the state directory.
      database: { engine: 'pglite', dataDir: 'db/spec-tenant' },
      channels: [
        {
          provider: 'meta',
          channelId: '100000000000077',
          wabaId: '200000000000077',
          metaAppId: 'spec-app',
          accessToken: 'spec-token',
          graphBaseUrl: sandboxUrl,
          graphVersion: 'v24.0',
        },
      ],
    },
  ],
});

const textWebhook = (id: string): string =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000077',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000077', phone_number_id: '100000000000077' },
              contacts: [{ profile: { name: 'Spec User' }, wa_id: '15550001111' }],
              messages: [{ from: '15550001111', id, timestamp: '1760000000', type: 'text', text: { body: 'caf\u00e9 from the spec' } }],
            },
          },
        ],
      },
    ],
  });

const postSigned = (gateway: LocalGateway, body: string): Promise<Response> =>
  fetch(`${gateway.url}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` },
    body,
  });

/** Asks the gateway's local-admin function, the way the CLI does. */
const admin = async <T>(gateway: LocalGateway, request: Record<string, unknown>): Promise<T> => {
  const response = await fetch(`${gateway.lambdaEndpoint}/2015-03-31/functions/${LOCAL_ADMIN_FUNCTION}/invocations`, {
    method: 'POST',
    body: JSON.stringify({ tenantId: 'spec-tenant', ...request }),
  });
  const answer = (await response.json()) as { ok: boolean; result: T };
  if (!answer.ok) throw new Error(JSON.stringify(answer));
  return answer.result;
};

const inboundRows = (gateway: LocalGateway) => admin<{ providerMessageId: string; body: string | null }[]>(gateway, { op: 'listInboundMessages' });

describe('startLocalGateway', () => {
  let workDir: string;
  let configPath: string;
  let gateway: LocalGateway | undefined;

  let sandboxPort: number;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'wagw-local-gateway-'));
    configPath = join(workDir, 'gateway-config.json');
    sandboxPort = await freePort();
    await writeFile(configPath, JSON.stringify(configWithSandboxAt(`http://127.0.0.1:${sandboxPort}`)));
  });

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  const start = () =>
    startLocalGateway({
      port: 0,
      sandboxPort,
      configPath,
      stateDir: join(workDir, 'state'),
      pollers: {
        'inbound-writer': { waitTimeSeconds: 1 },
        'webhook-media': { waitTimeSeconds: 1 },
        'message-sender': { waitTimeSeconds: 1 },
        'status-saver': { waitTimeSeconds: 1 },
      },
      collectorSchedule: { intervalSeconds: 2 },
    });

  it('turns a signed webhook into a row in the tenant database, through the real handlers', async () => {
    // Prepare
    gateway = await start();

    // Act
    const health = await fetch(`${gateway.url}/health`);
    const posted = await postSigned(gateway, textWebhook('wamid.SPEC-LOCAL-1'));
    const rows = await waitFor(async () => {
      const found = await inboundRows(gateway!);
      return found.length > 0 ? found : undefined;
    }, { what: 'the row', timeoutMs: 60_000 });

    // Assert
    expect(health.status).toBe(200);
    expect(posted.status).toBe(200);
    expect(rows.map((row) => [row.providerMessageId, row.body])).toEqual([['wamid.SPEC-LOCAL-1', 'café from the spec']]);
    expect(gateway.migrations).toEqual([{ tenantId: 'spec-tenant', result: expect.objectContaining({ latest: expect.any(Number) }) }]);
    expect(gateway.pollers['inbound-writer'].counters.succeeded).toBeGreaterThanOrEqual(1);
  });

  it('keeps queues, bucket and databases across a restart', async () => {
    // Prepare
    gateway = await start();
    await postSigned(gateway, textWebhook('wamid.SPEC-LOCAL-2'));
    await waitFor(async () => ((await inboundRows(gateway!)).length === 2 ? true : undefined), { what: 'the second row', timeoutMs: 60_000 });
    await gateway.stop();

    // Act
    gateway = await start();

    // Assert
    expect((await inboundRows(gateway)).map((row) => row.providerMessageId)).toEqual(['wamid.SPEC-LOCAL-1', 'wamid.SPEC-LOCAL-2']);
    expect(gateway.migrations[0]?.result?.applied).toEqual([]);
  });

  it('sends an outbound row through the collector schedule, the sender and the sandbox, and follows its receipts to read', async () => {
    // Prepare
    gateway = await start();

    // Act: a tenant system inserts a row (here through local-admin, as `pnpm gateway send` does)
    const { id } = await admin<{ id: string }>(gateway, {
      op: 'insertOutboundMessage',
      channelId: null,
      toId: '15550002222',
      message: JSON.stringify({ type: 'text', text: { body: 'Hello from the local gateway spec' } }),
    });
    const row = await waitFor(
      async () => {
        const found = await admin<{ status: string; providerMessageId: string | null } | null>(gateway!, { op: 'findOutboundMessage', id });
        return found?.status === 'read' ? found : undefined;
      },
      { what: `outbound row ${id} to be read`, timeoutMs: 60_000 },
    );

    // Assert
    expect(gateway.sandbox.sent).toEqual([
      expect.objectContaining({ provider: 'meta', channelId: '100000000000077', to: '15550002222', providerMessageId: row.providerMessageId }),
    ]);
    expect(gateway.collectorSchedule?.counters.invocations).toBeGreaterThanOrEqual(1);
    expect(gateway.functionInvocations['outbound-collector']).toBeGreaterThanOrEqual(1);
    expect(gateway.pollers['message-sender'].counters.succeeded).toBe(1);
    expect(gateway.pollers['status-saver'].counters.succeeded).toBeGreaterThanOrEqual(4);
  });

  it('refuses a second gateway in the same process', async () => {
    // Prepare
    gateway = await start();

    // Act & Assert
    await expect(start()).rejects.toThrow(/already running/);
  });
});
