import { relative, resolve } from 'node:path';
import { DEFAULT_SANDBOX_PORT, startLocalGateway } from '@wagw/local/local-gateway';
import type { LocalGateway } from '@wagw/local/local-gateway';
import { removeLocalEndpoints, writeLocalEndpoints } from '@wagw/local/local-endpoints';
import { createLogger } from '@wagw/runtime/logger';
import { DEFAULT_CONFIG, DEFAULT_STATE_DIR, readGatewayConfigFile } from '../cli/cli-context';
import { fixturesDir, REPO_ROOT } from '../repo-paths';
import { seedDemoMedia } from './demo-media';

/**
 * `pnpm start`: local mode. PORT (default 3000), GATEWAY_CONFIG (default the demo config),
 * LOCAL_STATE_DIR (default .local/), SANDBOX_PORT (default 4010), LOG_LEVEL (default info).
 */
const portFrom = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, not ${raw}`);
  return port;
};

const main = async (): Promise<void> => {
  const port = portFrom('PORT', 3000);
  const sandboxPort = portFrom('SANDBOX_PORT', DEFAULT_SANDBOX_PORT);
  const configPath = resolve(process.env.GATEWAY_CONFIG ?? resolve(REPO_ROOT, DEFAULT_CONFIG));
  const stateDir = resolve(process.env.LOCAL_STATE_DIR ?? resolve(REPO_ROOT, DEFAULT_STATE_DIR));
  const logLevel = process.env.LOG_LEVEL ?? 'info';
  const logger = createLogger({ level: logLevel, base: { service: 'local' } });

  let starting: Promise<LocalGateway> | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local gateway…\n`);
    // A signal during start-up stops whatever has started once start-up settles.
    const stopped = (starting ?? Promise.reject(new Error('not started'))).then(
      (gateway) => gateway.stop(),
      () => undefined,
    );
    stopped
      .then(() => removeLocalEndpoints(stateDir))
      .then(
        () => {
          process.stdout.write('stopped.\n');
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  starting = startLocalGateway({ port, configPath, stateDir, sandboxPort, logger, logLevel });
  const gateway = await starting;
  if (stopping) return;
  await writeLocalEndpoints(stateDir, gateway.endpoints);
  const demoMedia = await seedDemoMedia(gateway.sandbox, fixturesDir());

  const config = await readGatewayConfigFile(configPath);
  const show = (path: string): string => {
    const fromRoot = relative(process.cwd(), path);
    return fromRoot.startsWith('..') ? path : fromRoot || '.';
  };
  const migrated = gateway.migrations.map((m) => (m.error === undefined ? `${m.tenantId} ✓` : `${m.tenantId} ✗ (${m.error})`)).join(', ');
  const firstMeta = config.tenants.flatMap((tenant) => tenant.channels).find((channel) => channel.provider === 'meta');
  const firstTenant = config.tenants[0]?.tenantId ?? 'acme';
  const lines = [
    '',
    'WhatsApp gateway — local mode',
    `  webhooks (HTTP API)   ${gateway.url}   GET /health · GET|POST /webhooks/meta · POST /webhooks/whapi/{channelId}`,
    `  SQS + S3 emulator     ${gateway.emulatorEndpoint}   bucket ${gateway.bucket}; queues ${Object.keys(gateway.queueUrls).join(', ')} (+ DLQs)`,
    `  provider sandbox      ${gateway.sandbox.url}   Meta Graph + Whapi send and media endpoints (${demoMedia} demo media files); posts sent → delivered → read webhooks back`,
    `  Lambda invoke         ${gateway.lambdaEndpoint}   credentials-broker, outbound-collector (per-tenant runs)`,
    `  outbound              collector every ${gateway.collectorSchedule?.intervalSeconds ?? '-'} s → outbound-messages.fifo → message-sender → status-events.fifo → status-saver`,
    `  config                ${show(configPath)}   tenants: ${config.tenants.map((tenant) => tenant.tenantId).join(', ') || '(none)'}`,
    `  state                 ${show(stateDir)}   databases migrated: ${migrated || '(no tenants)'}`,
    '',
    'Try, in another terminal:',
    `  curl ${gateway.url}/health`,
    `  pnpm gateway post-sample meta-webhook-text.json${firstMeta === undefined ? '' : `        # → ${firstMeta.channelId}`}`,
    '  pnpm gateway post-sample whapi-webhook-message.json',
    '  pnpm gateway post-sample meta-webhook-image.json --unique       # media lands in the bucket',
    `  pnpm gateway rows --tenant ${firstTenant}`,
    `  pnpm gateway send --tenant ${firstTenant} --to 15550001111 --text "Hi" --wait   # an outbound row, followed to 'read'`,
    `  pnpm gateway outbound --tenant ${firstTenant}`,
    '  pnpm gateway parked list · pnpm gateway dlq list --queue inbound-events',
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`local mode failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
