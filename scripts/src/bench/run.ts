import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { COLD_START_ENV } from '@wagw/infra/function-entries';
import { NODE_RUNTIME_ENV } from '@wagw/infra/function-environments';
import { Command } from 'commander';
import { REPO_ROOT } from '../repo-paths';
import { startBenchGateway } from './bench-gateway';
import type { BenchResults } from './bench-report';
import { KEPT_SECTION_MARKER, MAX_INVOCATIONS_PER_MESSAGE, OUTBOUND_GOAL, OUTBOUND_HOPS, ingestRatios, outboundRatio, renderMarkdown, renderTables } from './bench-report';
import { benchBundles } from './bundle-bench';
import { benchDbInsertFloor } from './db-insert-floor-bench';
import { benchIngest } from './ingest-bench';
import { benchOutbound, benchOutboundInsertFloor } from './outbound-bench';
import { machineInfo } from './machine-info';
import { benchQueueFloor, benchWebhookShapedFloor } from './queue-floor-bench';
import { benchReceiverHandler } from './receiver-handler-bench';
import { positiveInt } from '../cli/option-parsers';

const program = new Command('bench')
  .description('Inbound and outbound path benchmark: prints figures and records them in BENCHMARKS.md (no assertions).')
  .option('--webhooks <n>', 'webhooks per tenant database, end to end', positiveInt, 600)
  .option('--concurrency <n>', 'webhooks in flight at once (Meta delivers concurrently)', positiveInt, 32)
  .option('--writer-concurrency <n>', "inbound-writer poller concurrency, like Lambda's concurrent FIFO batches (also the DB floor's)", positiveInt, 4)
  .option('--outbound-rows <n>', 'outbound rows, across the tenants, end to end', positiveInt, 2000)
  .option('--recipients <n>', 'recipients per channel (outbound conversations = channels × this)', positiveInt, 10)
  .option('--outbound-receipts <mode>', "off (send path alone), on (with status webhooks) or both", 'both')
  .option('--sender-concurrency <n>', 'message-sender poller concurrency', positiveInt, 4)
  .option('--saver-concurrency <n>', 'status-saver poller concurrency', positiveInt, 2)
  .option('--floor-messages <n>', 'messages for the queue floor', positiveInt, 2000)
  .option('--floor-rows <n>', 'rows for each database floor', positiveInt, 1000)
  .option('--receiver-iterations <n>', 'receiver handler iterations', positiveInt, 20_000)
  .option('--require-runs <n>', 'cold imports per bundle, each in a fresh node (median)', positiveInt, 5)
  .option('--postgres-url <url>', 'PostgreSQL server (admin connection)', process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  .option('--skip-e2e', 'skip local mode (end to end and floor)')
  .option('--skip-ingest', 'skip the inbound end-to-end run (floors and outbound still run)')
  .option('--skip-outbound', 'skip the outbound end-to-end run')
  .option('--skip-bundles', 'skip bundle sizes and cold imports')
  .option('--no-write', 'do not update BENCHMARKS.md');

interface Options {
  webhooks: number;
  concurrency: number;
  writerConcurrency: number;
  outboundRows: number;
  outboundReceipts: string;
  recipients: number;
  senderConcurrency: number;
  saverConcurrency: number;
  skipIngest?: boolean;
  skipOutbound?: boolean;
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
      outboundRows: options.outboundRows,
      recipientsPerChannel: options.recipients,
      senderConcurrency: options.senderConcurrency,
      saverConcurrency: options.saverConcurrency,
      floorMessages: options.floorMessages,
      floorRows: options.floorRows,
      receiverIterations: options.receiverIterations,
      requireRuns: options.requireRuns,
    },
    receiver: [],
    dbFloor: [],
    ingest: [],
    outbound: [],
    outboundFloor: [],
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
    const bench = await startBenchGateway({
      postgresAdminUrl: options.postgresUrl,
      writerConcurrency: options.writerConcurrency,
      senderConcurrency: options.senderConcurrency,
      saverConcurrency: options.saverConcurrency,
    });
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
        step(`floor: ${tenant.engine} outbound inserts`);
        results.outboundFloor.push(await benchOutboundInsertFloor(tenant, options.floorRows, options.writerConcurrency, runId));
      }
      for (const tenant of options.skipIngest ? [] : [bench.tenants.pglite, bench.tenants.postgres]) {
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
      const receiptModes = { off: [false], on: [true], both: [false, true] }[options.outboundReceipts];
      if (receiptModes === undefined) throw new Error('--outbound-receipts must be off, on or both');
      for (const receipts of options.skipOutbound ? [] : receiptModes) {
        step(`outbound end to end: ${options.outboundRows} rows across ${Object.keys(bench.tenants).length} tenants, receipts ${receipts ? 'on' : 'off'}`);
        results.outbound.push(
          await benchOutbound({
            gateway: bench.gateway,
            tenants: [bench.tenants.pglite, bench.tenants.postgres],
            rows: options.outboundRows,
            recipientsPerChannel: options.recipients,
            runId: `${runId}${receipts ? 'r' : 's'}`,
            receipts,
            timeoutMs: 600_000,
          }),
        );
      }
      const failedRecords = bench.gateway.pollers['inbound-writer'].counters.failed;
      if (failedRecords > 0) results.notes.push(`the writer failed ${failedRecords} record(s) during the run (retried)`);
      for (const name of ['message-sender', 'status-saver'] as const) {
        const failed = bench.gateway.pollers[name].counters.failed;
        if (failed > 0) results.notes.push(`${name} failed ${failed} record(s) during the run (retried)`);
      }
    } finally {
      await bench.stop();
    }
    for (const ratio of ingestRatios(results)) {
      if (ratio.ratio < 0.5) results.notes.push(`${ratio.engine}: ingest is ${Math.round(ratio.ratio * 100)}% of the ${ratio.limitedBy} floor (goal ≥ 50%)`);
    }
    for (const run of results.outbound) {
      const ratio = outboundRatio(results, run);
      if (ratio.sentRatio < OUTBOUND_GOAL) {
        results.notes.push(`outbound (${run.label}): 'sent' throughput is ${Math.round(ratio.sentRatio * 100)}% of the ${ratio.limitedBy} floor (goal ≥ ${OUTBOUND_GOAL * 100}%)`);
      }
      for (const hop of run.invocations) {
        if (OUTBOUND_HOPS.includes(hop.hop) && hop.perMessage > MAX_INVOCATIONS_PER_MESSAGE) {
          results.notes.push(`outbound (${run.label}): ${hop.hop} ran ${hop.perMessage.toFixed(2)} invocations per message (goal ≤ ${MAX_INVOCATIONS_PER_MESSAGE})`);
        }
      }
    }
  }

  if (!options.skipBundles) {
    step('bundling the functions as deployed and timing cold imports');
    // NODE_RUNTIME_ENV: as deployed (source maps on), so a file's map is parsed when the file loads.
    results.bundles = benchBundles(REPO_ROOT, { ...COLD_START_ENV, ...NODE_RUNTIME_ENV }, options.requireRuns);
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
