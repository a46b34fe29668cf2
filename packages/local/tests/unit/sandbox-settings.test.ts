import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigV1 } from '@wagw/contracts';
import { sandboxTokensFrom, statusWebhookSecretsFrom, watchedGatewayConfig, whapiChannelsFrom } from '../../src/sandbox-settings';
import { serviceEnvironment } from '../../src/service-environment';

const metaChannel = (channelId: string, metaAppId: string, accessToken: string) => ({
  provider: 'meta' as const,
  channelId,
  wabaId: `waba-${channelId}`,
  metaAppId,
  accessToken,
  graphBaseUrl: 'http://127.0.0.1:4010',
  graphVersion: 'v24.0',
});

const config: GatewayConfigV1 = {
  metaApps: [
    { appId: 'app-a', appSecret: 'secret-a', verifyToken: 'verify-a' },
    { appId: 'app-b', appSecret: 'secret-b', verifyToken: 'verify-b' },
  ],
  tenants: [
    {
      tenantId: 'acme',
      database: { engine: 'pglite', dataDir: 'db/acme' },
      channels: [
        metaChannel('1001', 'app-a', 'token-1001'),
        { provider: 'whapi', channelId: 'WHAPI-1', apiToken: 'whapi-token-1', webhookSecret: 'whapi-secret-1', baseUrl: 'http://127.0.0.1:4010' },
      ],
    },
    { tenantId: 'globex', database: { engine: 'pglite', dataDir: 'db/globex' }, channels: [metaChannel('1002', 'app-b', 'token-1002')] },
  ],
};

describe('sandbox settings from the gateway config', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-settings-'));
    path = join(dir, 'gateway.json');
    await writeFile(path, JSON.stringify(config));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("signs a Meta number's status webhooks with its own app's secret and a Whapi channel's with its webhook secret", () => {
    // Act
    const secrets = statusWebhookSecretsFrom(watchedGatewayConfig(path, config));

    // Assert
    expect(secrets.metaAppSecretFor('1001')).toBe('secret-a');
    expect(secrets.metaAppSecretFor('1002')).toBe('secret-b');
    expect(secrets.metaAppSecretFor('WHAPI-1')).toBeUndefined();
    expect(secrets.metaAppSecretFor('9999')).toBeUndefined();
    expect(secrets.whapiWebhookSecretFor('WHAPI-1')).toBe('whapi-secret-1');
    expect(secrets.whapiWebhookSecretFor('1001')).toBeUndefined();
    expect(secrets.metaBusinessNumberFor('1002')).toEqual({ wabaId: 'waba-1002' });
  });

  it("maps each Whapi token to its channel, and accepts every channel's token", () => {
    // Act
    const current = watchedGatewayConfig(path, config);

    // Assert
    expect(whapiChannelsFrom(current)()).toEqual({ 'whapi-token-1': 'WHAPI-1' });
    expect(sandboxTokensFrom(current)).toEqual({ meta: ['token-1001', 'token-1002'], whapi: ['whapi-token-1'] });
  });

  it('sees a channel onboarded while running, and keeps the last good config while the file is broken', async () => {
    // Prepare
    const current = watchedGatewayConfig(path, config);
    const secrets = statusWebhookSecretsFrom(current);
    expect(secrets.metaAppSecretFor('1003')).toBeUndefined();
    const onboarded = structuredClone(config);
    onboarded.tenants[1]!.channels.push(metaChannel('1003', 'app-a', 'token-1003'));

    // Act
    await writeFile(path, JSON.stringify(onboarded));
    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    const afterOnboarding = secrets.metaAppSecretFor('1003');
    await writeFile(path, '{ half written');
    await utimes(path, new Date(), new Date(Date.now() + 10_000));

    // Assert
    expect(afterOnboarding).toBe('secret-a');
    expect(secrets.metaAppSecretFor('1003')).toBe('secret-a');
  });
});

describe('serviceEnvironment', () => {
  const environment = serviceEnvironment({
    emulatorEndpoint: 'http://127.0.0.1:1',
    lambdaEndpoint: 'http://127.0.0.1:2',
    queueUrls: {
      'inbound-events': 'http://q/inbound-events.fifo',
      'status-events': 'http://q/status-events.fifo',
      'media-jobs': 'http://q/media-jobs.fifo',
      'outbound-messages': 'http://q/outbound-messages.fifo',
    },
    bucket: 'wagw-local',
    configPath: '/tmp/gateway.json',
    sandboxHost: '127.0.0.1:4010',
    logLevel: 'info',
  });

  it('gives the outbound services every variable they read', () => {
    expect(environment).toMatchObject({
      OUTBOUND_MESSAGES_QUEUE_URL: 'http://q/outbound-messages.fifo',
      STATUS_EVENTS_QUEUE_URL: 'http://q/status-events.fifo',
      OUTBOUND_COLLECTOR_FUNCTION: 'outbound-collector',
      CREDENTIALS_BROKER_FUNCTION: 'credentials-broker',
      BUCKET_NAME: 'wagw-local',
    });
    for (const name of [
      'COLLECTOR_BATCH_SIZE',
      'OUTBOUND_LEASE_SECONDS',
      'OUTBOUND_MAX_ATTEMPTS',
      'COLLECTOR_IDLE_MIN_MS',
      'COLLECTOR_IDLE_MAX_MS',
      'TENANT_DB_IDLE_SECONDS',
      'SEND_TIMEOUT_MS',
      'MEDIA_UPLOAD_TIMEOUT_MS',
      'RETRY_BASE_SECONDS',
      'RETRY_MAX_SECONDS',
    ]) {
      expect(environment[name]).toMatch(/^\d+$/);
    }
  });

  it('lets one per-tenant collector run last as long as the local schedule interval', () => {
    expect(environment.COLLECTOR_RUN_SECONDS).toBe('5');
  });
});
