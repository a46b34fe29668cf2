import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { Command } from 'commander';
import { REPO_ROOT } from '../repo-paths';
import { startBenchGateway } from './bench-gateway';
import type { BenchResults } from './bench-report';
import { KEPT_SECTION_MARKER, ingestRatios, renderMarkdown, renderTables } from './bench-report';
import { benchBundles } from './bundle-bench';
import type { FunctionEntry } from './bundle-bench';
import { benchDbInsertFloor } from './db-insert-floor-bench';
import { benchIngest } from './ingest-bench';
import { machineInfo } from './machine-info';
import { benchQueueFloor, benchWebhookShapedFloor } from './queue-floor-bench';
import { benchReceiverHandler } from './receiver-handler-bench';
import { positiveInt } from '../cli/option-parsers';

// Values the functions' config.ts accept at cold start; nothing is contacted while requiring.
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  INBOUND_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/inbound-events.fifo',
  STATUS_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/status-events.fifo',
  MEDIA_JOBS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/media-jobs.fifo',
  BUCKET_NAME: 'wagw-bench',
  CREDENTIALS_BROKER_FUNCTION: 'credentials-broker',
  SECRETS_SOURCE: 'secrets-manager',
  LOG_LEVEL: 'silent',
};

const FUNCTIONS: FunctionEntry[] = [
  { name: 'webhook-receiver', entry: 'services/webhook-receiver/src/handler.ts', talksToSqlServer: false, env: LAMBDA_ENV },
  { name: 'webhook-media', entry: 'services/webhook-receiver/src/media-handler.ts', talksToSqlServer: false, env: LAMBDA_ENV },
  { name: 'inbound-writer', entry: 'services/inbound-writer/src/handler.ts', talksToSqlServer: true, env: LAMBDA_ENV },
  { name: 'credentials-broker', entry: 'services/credentials-broker/src/handler.ts', talksToSqlServer: false, env: LAMBDA_ENV },
];

const program = new Command('bench')
  .description('Inbound path benchmark: prints figures and records them in BENCHMARKS.md (no assertions).')
  .option('--webhooks <n>', 'webhooks per tenant database, end to end', positiveInt, 600)
  .option('--concurrency <n>', 'webhooks in flight at once (Meta delivers concurrently)', positiveInt, 32)
  .option('--writer-concurrency <n>', "inbound-writer poller concurrency, like Lambda's concurrent FIFO batches (also the DB floor's)", positiveInt, 4)
  .option('--floor-messages <n>', 'messages for the queue floor', positiveInt, 2000)
  .option('--floor-rows <n>', 'rows for each database floor', positiveInt, 1000)
  .option('--receiver-iterations <n>', 'receiver handler iterations', positiveInt, 20_000)
  .option('--require-runs <n>', 'cold requires per bundle (median)', positiveInt, 5)
  .option('--postgres-url <url>', 'PostgreSQL server (admin connection)', process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  .option('--skip-e2e', 'skip local mode (end to end and floor)')
  .option('--skip-bundles', 'skip bundle size and cold require')
  .option('--no-write', 'do not update BENCHMARKS.md');

interface Options {
  webhooks: number;
  concurrency: number;
  writerConcurrency: number;
  floorMessages: number;
  floorRows: number;
  receiverIterations: number;
  requireRuns: number;
  postgresUrl: string;
  skipE2e?: boolean;
  skipBundles?: boolean;
  write: boolean;
}

const step = (message: string): void => {
  process.stderr.write(`… ${message}\n`);
};

const main = async (): Promise<void> => {
  const options = program.parse().opts<Options>();
  const results: BenchResults = {
    machine: machineInfo(),
    settings: {
      webhooks: options.webhooks,
      concurrency: options.concurrency,
      writerConcurrency: options.writerConcurrency,
      floorMessages: options.floorMessages,
      floorRows: options.floorRows,
      receiverIterations: options.receiverIterations,
      requireRuns: options.requireRuns,
    },
    receiver: [],
    dbFloor: [],
    ingest: [],
    bundles: [],
    notes: [],
  };

  for (const messagesPerWebhook of [1, 10]) {
    step(`receiver handler, ${messagesPerWebhook} message(s) per webhook`);
    results.receiver.push(
      await benchReceiverHandler({ iterations: options.receiverIterations, warmup: Math.ceil(options.receiverIterations / 4), messagesPerWebhook }),
    );
  }

  if (!options.skipE2e) {
    step('starting local mode (fauxqs, PGlite, PostgreSQL)');
    const bench = await startBenchGateway({ postgresAdminUrl: options.postgresUrl, writerConcurrency: options.writerConcurrency });
    const runId = randomBytes(3).toString('hex');
    try {
      step('floor: fauxqs send + receive + delete');
      const sqs = createSqsClient({ endpoint: bench.gateway.emulatorEndpoint });
      const s3 = createS3Client({ endpoint: bench.gateway.emulatorEndpoint });
      try {
        results.queueFloor = await benchQueueFloor(sqs, options.floorMessages);
        step('floor: fauxqs work of one single-message webhook (S3 put + send 1, batched receive + delete)');
        results.webhookShapedFloor = await benchWebhookShapedFloor(sqs, s3, bench.gateway.bucket, options.webhooks, options.concurrency);
      } finally {
        sqs.destroy();
        s3.destroy();
      }
      for (const tenant of [bench.tenants.pglite, bench.tenants.postgres]) {
        step(`floor: ${tenant.engine} inserts`);
        results.dbFloor.push({ engine: tenant.engine, result: await benchDbInsertFloor(tenant.store, options.floorRows, options.writerConcurrency, runId) });
      }
      for (const tenant of [bench.tenants.pglite, bench.tenants.postgres]) {
        step(`end to end into ${tenant.engine}: ${options.webhooks} webhooks`);
        results.ingest.push(
          await benchIngest({
            gatewayUrl: bench.gateway.url,
            appSecret: bench.appSecret,
            tenant,
            webhooks: options.webhooks,
            concurrency: options.concurrency,
            runId,
            timeoutMs: 300_000,
          }),
        );
      }
      const failedRecords = bench.gateway.pollers['inbound-writer'].counters.failed;
      if (failedRecords > 0) results.notes.push(`the writer failed ${failedRecords} record(s) during the run (retried)`);
    } finally {
      await bench.stop();
    }
    for (const ratio of ingestRatios(results)) {
      if (ratio.ratio < 0.5) results.notes.push(`${ratio.engine}: ingest is ${Math.round(ratio.ratio * 100)}% of the ${ratio.limitedBy} floor (goal ≥ 50%)`);
    }
  }

  if (!options.skipBundles) {
    step('bundling the functions and timing cold requires');
    results.bundles = await benchBundles(REPO_ROOT, FUNCTIONS, options.requireRuns);
  }

  process.stdout.write(`\n${renderTables(results)}\n\n`);
  process.stdout.write(`${results.machine.date} · ${results.machine.arch} · ${results.machine.cpuModel} · Node ${results.machine.node}\n`);
  if (options.write) {
    const path = join(REPO_ROOT, 'BENCHMARKS.md');
    // Hand-written analysis below the marker survives a rerun; the figures above it are replaced.
    const previous = await readFile(path, 'utf8').catch(() => '');
    const markerAt = previous.indexOf(KEPT_SECTION_MARKER);
    const kept = markerAt >= 0 ? previous.slice(markerAt) : `${KEPT_SECTION_MARKER}\n`;
    await writeFile(path, `${renderMarkdown(results).trimEnd()}\n\n${kept}`);
    process.stdout.write(`written to ${path}\n`);
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
