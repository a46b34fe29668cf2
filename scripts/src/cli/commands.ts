import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { createLambdaClient, createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { SqsEventPublisher } from '@wagw/aws/sqs-event-publisher';
import { QueueRole } from '@wagw/contracts';
import type { Provider } from '@wagw/contracts';
import { CachedCredentialsClient, LambdaBrokerTransport } from '@wagw/credentials';
import { listDeadLetters, redriveDeadLetters } from '../dlq/dead-letter-queue';
import { listParkedEvents, replayParkedEvents } from '../parked/replay-parked-events';
import { fixturesDir } from '../repo-paths';
import { prepareSampleWebhook } from '../samples/prepare-sample-webhook';
import type { CliTargets } from './cli-context';
import { CliError, readGatewayConfigFile, required } from './cli-context';
import { openTenantAdmin } from './tenant-admin';

type Print = (line: string) => void;

const fixturePath = (name: string): string => {
  if (isAbsolute(name) || existsSync(name)) return resolve(name);
  const inFixtures = resolve(fixturesDir(), name);
  if (existsSync(inFixtures)) return inFixtures;
  throw new CliError(`no file ${name} (looked here and in ${fixturesDir()})`);
};

export interface PostSampleOptions {
  url?: string;
  appSecret?: string;
  webhookSecret?: string;
  toChannel?: string;
  unique?: boolean;
}

export const postSample = async (targets: CliTargets, fixture: string, options: PostSampleOptions, print: Print): Promise<number> => {
  const raw = await readFile(fixturePath(fixture));
  const config = existsSync(targets.configPath) ? await readGatewayConfigFile(targets.configPath) : undefined;
  const request = prepareSampleWebhook(raw, {
    ...(config === undefined ? {} : { config }),
    ...(options.appSecret === undefined ? {} : { appSecret: options.appSecret }),
    ...(options.webhookSecret === undefined ? {} : { webhookSecret: options.webhookSecret }),
    ...(options.toChannel === undefined ? {} : { toChannel: options.toChannel }),
    ...(options.unique ? { messageIdSuffix: `-${Date.now()}` } : {}),
  });
  const url = new URL(request.path, options.url ?? targets.gatewayUrl);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  } catch (error) {
    throw new CliError(`POST ${url.href} failed (${(error as Error).message}); is \`pnpm start\` running?`);
  }
  print(`POST ${url.href} (${request.provider}, channel ${request.channelIds.join(', ') || '-'}, ${request.body.length} bytes)`);
  print(`${response.status} ${response.statusText}`);
  print(await response.text());
  return response.ok ? 0 : 1;
};

const cell = (value: unknown, width: number): string => {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat.padEnd(width);
};

const ROW_COLUMNS: [key: string, header: string, width: number][] = [
  ['id', 'id', 5],
  ['provider', 'provider', 8],
  ['channelId', 'channel_id', 16],
  ['providerMessageId', 'provider_message_id', 30],
  ['fromId', 'from_id', 14],
  ['type', 'type', 11],
  ['body', 'body', 32],
  ['mediaStatus', 'media', 7],
  ['sentAt', 'sent_at', 24],
];

export const INBOUND_TABLE = 'wa_inbound_messages';

export const printRows = async (
  targets: CliTargets,
  options: { tenant: string; table: string; limit: number; json?: boolean },
  print: Print,
): Promise<void> => {
  if (options.table !== INBOUND_TABLE) throw new CliError(`only ${INBOUND_TABLE} can be listed so far`);
  const admin = openTenantAdmin(targets);
  try {
    const rows = await admin.listInboundMessages(options.tenant, options.limit);
    if (options.json) {
      print(JSON.stringify(rows, null, 2));
      return;
    }
    print(ROW_COLUMNS.map(([, header, width]) => cell(header, width)).join(' '));
    for (const row of rows) {
      const values = row as unknown as Record<string, unknown>;
      print(ROW_COLUMNS.map(([key, , width]) => cell(values[key], width)).join(' '));
    }
    print(`${rows.length} row(s) in ${options.tenant}.${options.table}`);
  } finally {
    admin.close();
  }
};

export const migrate = async (targets: CliTargets, options: { tenant?: string; all?: boolean }, print: Print): Promise<number> => {
  if (!options.tenant && !options.all) throw new CliError('pass --tenant <id> or --all');
  const admin = openTenantAdmin(targets);
  let failures = 0;
  try {
    const tenants = options.all ? await admin.tenantIds() : [options.tenant!];
    for (const tenantId of tenants) {
      try {
        const result = await admin.migrate(tenantId);
        print(`${tenantId}: ${result.applied.length === 0 ? 'up to date' : `applied ${result.applied.join(', ')}`} (schema version ${result.latest})`);
      } catch (error) {
        failures += 1;
        print(`${tenantId}: FAILED ${(error as Error).message}`);
      }
    }
  } finally {
    admin.close();
  }
  return failures === 0 ? 0 : 1;
};

const parkedDependencies = (targets: CliTargets) => {
  const bucket = required(targets.bucket, 'the bucket (BUCKET_NAME)');
  const s3 = createS3Client(targets.awsEndpoint === undefined ? {} : { endpoint: targets.awsEndpoint });
  const sqs = createSqsClient(targets.awsEndpoint === undefined ? {} : { endpoint: targets.awsEndpoint });
  const lambda = createLambdaClient(targets.lambdaEndpoint === undefined ? {} : { endpoint: targets.lambdaEndpoint });
  return {
    deps: {
      blobs: new S3BlobStore(s3, bucket),
      publisher: new SqsEventPublisher(sqs, targets.queueUrls),
      // No cache: a replay must see the channel as it is onboarded right now.
      credentials: new CachedCredentialsClient(new LambdaBrokerTransport(lambda, targets.brokerFunction), { ttlMs: 0, negativeTtlMs: 0 }),
    },
    close: () => {
      s3.destroy();
      sqs.destroy();
      lambda.destroy();
    },
  };
};

export interface ParkedOptions {
  provider?: string;
  channel?: string;
}

const parkedFilter = (options: ParkedOptions): { provider?: Provider; channelId?: string } => {
  if (options.provider !== undefined && options.provider !== 'meta' && options.provider !== 'whapi') {
    throw new CliError('--provider must be meta or whapi');
  }
  return {
    ...(options.provider === undefined ? {} : { provider: options.provider as Provider }),
    ...(options.channel === undefined ? {} : { channelId: options.channel }),
  };
};

export const listParked = async (targets: CliTargets, options: ParkedOptions, print: Print): Promise<void> => {
  const { deps, close } = parkedDependencies(targets);
  try {
    const { entries, invalid } = await listParkedEvents(deps.blobs, parkedFilter(options));
    for (const { key, parked } of entries) {
      const event = parked.event as { providerMessageId?: unknown; schema?: unknown };
      print(`${parked.parkedAt}  ${parked.provider}  ${parked.channelId}  ${parked.queue}  ${String(event.schema)}  ${String(event.providerMessageId)}  ${key}`);
    }
    for (const { key, reason } of invalid) print(`INVALID ${key}: ${reason}`);
    print(`${entries.length} parked event(s)${invalid.length > 0 ? `, ${invalid.length} unreadable` : ''}`);
  } finally {
    close();
  }
};

export const replayParked = async (targets: CliTargets, options: ParkedOptions, print: Print): Promise<number> => {
  const { deps, close } = parkedDependencies(targets);
  try {
    const outcomes = await replayParkedEvents(deps, parkedFilter(options));
    const counts = new Map<string, number>();
    for (const outcome of outcomes) {
      counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1);
      switch (outcome.status) {
        case 'replayed':
          print(`replayed      ${outcome.key} → tenant ${outcome.tenantId} (${outcome.queue})`);
          break;
        case 'still-unknown':
          print(`kept          ${outcome.key}: ${outcome.provider} channel ${outcome.channelId} still belongs to no tenant`);
          break;
        case 'secret-mismatch':
          print(`kept          ${outcome.key}: the sender's X-Gateway-Secret is not channel ${outcome.channelId}'s webhook secret`);
          break;
        case 'app-mismatch':
          print(`kept          ${outcome.key}: signed by another Meta app than channel ${outcome.channelId}'s`);
          break;
        case 'invalid':
        case 'failed':
          print(`${outcome.status.padEnd(13)} ${outcome.key}: ${outcome.reason}`);
          break;
      }
    }
    print([...counts].map(([status, count]) => `${count} ${status}`).join(', ') || 'nothing parked');
    return outcomes.some((outcome) => outcome.status === 'failed') ? 1 : 0;
  } finally {
    close();
  }
};

const parseRole = (queue: string): QueueRole => {
  const parsed = QueueRole.safeParse(queue);
  if (!parsed.success) throw new CliError(`--queue must be one of ${QueueRole.options.join(', ')}`);
  return parsed.data;
};

export const listDlq = async (targets: CliTargets, options: { queue: string; max: number }, print: Print): Promise<void> => {
  const role = parseRole(options.queue);
  const dlqUrl = required(targets.dlqUrls[role], `the ${role} DLQ URL`);
  const sqs = createSqsClient(targets.awsEndpoint === undefined ? {} : { endpoint: targets.awsEndpoint });
  try {
    const listing = await listDeadLetters(sqs, dlqUrl, { max: options.max });
    for (const letter of listing.messages) {
      print(`${letter.sentAt?.toISOString() ?? '-'}  group=${letter.groupId ?? '-'}  dedup=${letter.deduplicationId ?? '-'}  receives=${letter.receiveCount}`);
      print(`  ${letter.body.length > 300 ? `${letter.body.slice(0, 299)}…` : letter.body}`);
    }
    print(`${listing.approximateCount} message(s) on ${role} DLQ; shown ${listing.messages.length} (a FIFO queue shows the first message of each group)`);
  } finally {
    sqs.destroy();
  }
};

export const replayDlq = async (targets: CliTargets, options: { queue: string; max?: number }, print: Print): Promise<number> => {
  const role = parseRole(options.queue);
  const dlqUrl = required(targets.dlqUrls[role], `the ${role} DLQ URL`);
  const sourceUrl = required(targets.queueUrls[role], `the ${role} queue URL`);
  const sqs = createSqsClient(targets.awsEndpoint === undefined ? {} : { endpoint: targets.awsEndpoint });
  try {
    const result = await redriveDeadLetters(sqs, { dlqUrl, sourceUrl, ...(options.max === undefined ? {} : { max: options.max }) });
    for (const moved of result.replayed) print(`replayed ${moved.messageId} group=${moved.groupId} dedup=${moved.deduplicationId}`);
    for (const failed of result.failed) print(`FAILED   ${failed.messageId}: ${failed.reason}`);
    print(`${result.replayed.length} replayed to ${role}, ${result.failed.length} failed (left on the DLQ)`);
    return result.failed.length === 0 ? 0 : 1;
  } finally {
    sqs.destroy();
  }
};
