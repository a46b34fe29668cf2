import type { BundleResult } from './bundle-bench';
import type { DbInsertFloorResult } from './db-insert-floor-bench';
import type { IngestResult } from './ingest-bench';
import type { MachineInfo } from './machine-info';
import type { OutboundInsertFloorResult, OutboundResult } from './outbound-bench';
import type { QueueFloorResult } from './queue-floor-bench';
import type { ReceiverBenchResult } from './receiver-handler-bench';
import { round } from './stats';

export const RECEIVER_MAX_KB = 400;
export const RECEIVER_MAX_REQUIRE_MS = 60;
export const INGEST_GOAL = 0.5;
export const OUTBOUND_GOAL = 0.5;
export const MAX_INVOCATIONS_PER_MESSAGE = 0.2;
/** The hops the issue's invocation goal is about (the receiver's count is set by the provider's webhooks). */
export const OUTBOUND_HOPS = ['outbound-collector', 'message-sender', 'status-saver'];

/** Everything in BENCHMARKS.md from this line on is hand-written and kept when the bench rewrites the file. */
export const KEPT_SECTION_MARKER = '<!-- Written by hand below this line; pnpm bench keeps it. -->';

export interface BenchResults {
  machine: MachineInfo;
  settings: Record<string, number | string>;
  receiver: ReceiverBenchResult[];
  queueFloor?: QueueFloorResult;
  /** Emulator-only cost of what one single-message webhook needs (not the goal's floor; context). */
  webhookShapedFloor?: QueueFloorResult;
  dbFloor: { engine: string; result: DbInsertFloorResult }[];
  ingest: IngestResult[];
  outboundFloor: OutboundInsertFloorResult[];
  /** Outbound runs: receipts off (the send path alone), then receipts on (the whole loop). */
  outbound: OutboundResult[];
  bundles: BundleResult[];
  notes: string[];
}

const table = (header: string[], rows: string[][]): string => {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
};

export interface IngestRatio {
  engine: string;
  ingest: number;
  floor: number;
  limitedBy: string;
  ratio: number;
  /** Ingest against the emulator work a single-message webhook needs (or the database, if slower). */
  webhookShapedRatio: number;
}

/** Ingest against the slower of the two floors the path goes through (queue, database). */
export const ingestRatios = (results: BenchResults): IngestRatio[] =>
  results.ingest.map((ingest) => {
    const db = results.dbFloor.find((floor) => floor.engine === ingest.engine)?.result.perSecond ?? Number.NaN;
    const queue = results.queueFloor?.perSecond ?? Number.NaN;
    const floor = Math.min(db, queue);
    const webhookShaped = results.webhookShapedFloor?.perSecond ?? Number.NaN;
    return {
      engine: ingest.engine,
      ingest: ingest.perSecond,
      floor,
      limitedBy: floor === queue ? 'queue' : 'database',
      ratio: ingest.perSecond / floor,
      webhookShapedRatio: ingest.perSecond / Math.min(db, webhookShaped),
    };
  });

export interface OutboundRatio {
  floor: number;
  limitedBy: string;
  sentRatio: number;
  readRatio: number | undefined;
}

/**
 * Outbound throughput against the slower of the floors its rows go through: fauxqs batched
 * send + receive + delete, and the slower tenant database's outbound INSERT rate.
 */
export const outboundRatio = (results: BenchResults, run: OutboundResult): OutboundRatio => {
  const queue = results.queueFloor?.perSecond ?? Number.NaN;
  const slowestDb = results.outboundFloor.reduce<OutboundInsertFloorResult | undefined>(
    (slowest, floor) => (slowest === undefined || floor.perSecond < slowest.perSecond ? floor : slowest),
    undefined,
  );
  const db = slowestDb?.perSecond ?? Number.NaN;
  const floor = Math.min(queue, db);
  return {
    floor,
    limitedBy: floor === queue ? 'queue' : `${slowestDb?.engine ?? 'database'} insert`,
    sentRatio: run.sentPerSecond / floor,
    readRatio: run.readPerSecond === undefined ? undefined : run.readPerSecond / floor,
  };
};

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

const summaryCells = (summary: OutboundResult['insertToProviderMs']): string[] => [
  String(summary.count),
  round(summary.p50, 0),
  round(summary.p99, 0),
  round(summary.max, 0),
];

const renderOutbound = (results: BenchResults, runs: readonly OutboundResult[]): string => {
  const sections: string[] = [];
  sections.push(
    "### Outbound end to end through local mode (row INSERT → 'sent' → 'read')\n\n" +
      table(
        ['run', 'rows', 'tenants / conversations', 'inserted in s', "all 'sent' s", "'sent' / s", "all 'read' s", "'read' / s", 'floor / s', "'sent' ÷ floor", `goal ≥ ${OUTBOUND_GOAL * 100}%`],
        runs.map((run) => {
          const ratio = outboundRatio(results, run);
          return [
            run.label,
            String(run.rows),
            `${run.tenants} / ${run.conversations}`,
            round(run.insertSeconds, 2),
            round(run.sentSeconds, 2),
            round(run.sentPerSecond, 0),
            run.readSeconds === undefined ? '-' : round(run.readSeconds, 2),
            run.readPerSecond === undefined ? '-' : round(run.readPerSecond, 0),
            `${round(ratio.floor, 0)} (${ratio.limitedBy})`,
            `${round(ratio.sentRatio * 100, 0)}%${ratio.readRatio === undefined ? '' : ` ('read': ${round(ratio.readRatio * 100, 0)}%)`}`,
            yesNo(ratio.sentRatio >= OUTBOUND_GOAL),
          ];
        }),
      ),
  );
  sections.push(
    '### Outbound latency\n\n' +
      table(
        ['run', 'from → to', 'rows', 'median ms', 'p99 ms', 'max ms'],
        runs.flatMap((run) => [
          [run.label, 'INSERT (created_at) → on outbound-messages.fifo (queued_at)', ...summaryCells(run.insertToQueuedMs)],
          [run.label, 'INSERT (created_at) → provider accepted the request (sandbox acceptedAt)', ...summaryCells(run.insertToProviderMs)],
        ]),
      ),
  );
  sections.push(
    '### Outbound SQS requests (counted at the emulator during each run)\n\n' +
      table(
        ['run', 'queue', 'requests', 'per message', 'by action'],
        runs.flatMap((run) => {
          const rows = Object.entries(run.sqsByQueue)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([queue, actions]) => {
              const total = Object.values(actions).reduce((sum, count) => sum + count, 0);
              const detail = Object.entries(actions)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([action, count]) => `${action} ${count}`)
                .join(', ');
              return [run.label, queue, String(total), round(total / run.rows, 2), detail];
            });
          rows.push([run.label, '**all queues**', String(run.sqsRequests), round(run.sqsPerMessage, 2), 'every client, idle long-polls included']);
          return rows;
        }),
      ),
  );
  sections.push(
    '### Outbound Lambda invocations per message, per hop\n\n' +
      table(
        ['run', 'hop', 'invocations', 'per message', `goal ≤ ${MAX_INVOCATIONS_PER_MESSAGE}`, 'note'],
        runs.flatMap((run) =>
          run.invocations.map((hop) => [
            run.label,
            hop.hop,
            String(hop.invocations),
            round(hop.perMessage, 3),
            OUTBOUND_HOPS.includes(hop.hop) ? yesNo(hop.perMessage <= MAX_INVOCATIONS_PER_MESSAGE) : 'n/a',
            hop.note,
          ]),
        ),
      ),
  );
  return sections.join('\n\n');
};

export const renderTables = (results: BenchResults): string => {
  const sections: string[] = [];
  sections.push(
    '### Receiver HTTP use case (in-memory ports, awaited I/O excluded)\n\n' +
      table(
        ['messages / webhook', 'iterations', 'mean µs', 'p50 µs', 'p99 µs'],
        results.receiver.map((entry) => [
          String(entry.messagesPerWebhook),
          String(entry.iterations),
          round(entry.micros.mean),
          round(entry.micros.p50),
          round(entry.micros.p99),
        ]),
      ),
  );
  const floorRows: string[][] = [];
  if (results.queueFloor) {
    const floor = results.queueFloor;
    floorRows.push(['fauxqs send + receive + delete (batches of 10)', `${floor.messages} messages`, round(floor.seconds, 2), round(floor.perSecond, 0)]);
  }
  if (results.webhookShapedFloor) {
    const floor = results.webhookShapedFloor;
    floorRows.push([
      'fauxqs per single-message webhook: S3 put + send 1, batched receive + delete (context)',
      `${floor.messages} messages`,
      round(floor.seconds, 2),
      round(floor.perSecond, 0),
    ]);
  }
  for (const { engine, result } of results.dbFloor) {
    floorRows.push([`${engine} insert via tenant-db (concurrency ${result.concurrency})`, `${result.rows} rows`, round(result.seconds, 2), round(result.perSecond, 0)]);
  }
  for (const result of results.outboundFloor) {
    floorRows.push([
      `${result.engine} wa_outbound_messages INSERT via tenant-db (concurrency ${result.concurrency})`,
      `${result.rows} rows`,
      round(result.seconds, 2),
      round(result.perSecond, 0),
    ]);
  }
  if (floorRows.length > 0) sections.push('### Floor (same run)\n\n' + table(['what', 'size', 'seconds', 'per second'], floorRows));
  if (results.ingest.length > 0) {
    const ratios = ingestRatios(results);
    sections.push(
      '### End to end through local mode (signed webhook → row)\n\n' +
        table(
          [
            'tenant database',
            'webhooks',
            'accepted / s (HTTP 200)',
            'rows / s (end to end)',
            'floor / s',
            'ingest ÷ floor',
            `goal ≥ ${INGEST_GOAL * 100}%`,
            'ingest ÷ per-webhook floor',
          ],
          results.ingest.map((ingest) => {
            const ratio = ratios.find((candidate) => candidate.engine === ingest.engine);
            return [
              ingest.engine,
              String(ingest.webhooks),
              round(ingest.acceptedPerSecond, 0),
              round(ingest.perSecond, 0),
              ratio ? `${round(ratio.floor, 0)} (${ratio.limitedBy})` : 'n/a',
              ratio ? `${round(ratio.ratio * 100, 0)}%` : 'n/a',
              ratio ? yesNo(ratio.ratio >= INGEST_GOAL) : 'n/a',
              ratio && Number.isFinite(ratio.webhookShapedRatio) ? `${round(ratio.webhookShapedRatio * 100, 0)}%` : 'n/a',
            ];
          }),
        ),
    );
  }
  if (results.outbound.length > 0) sections.push(renderOutbound(results, results.outbound));
  if (results.bundles.length > 0) {
    const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : round(value, 1));
    sections.push(
      '### Function bundles (as deployed: bundleLambda — esbuild ESM with code splitting, node22, minified; AWS SDK bundled, PGlite left out)\n\n' +
        table(
          [
            'function',
            'index.mjs KB',
            'JS loaded at cold start KB',
            'all JS KB (files)',
            'zipped asset KB',
            'AWS SDK in cold-start JS KB',
            'cold import ms (median)',
            'mssql in asset',
            'mssql loaded at cold start',
            'reaches tenant databases',
            'largest packages',
            'note',
          ],
          results.bundles.map((bundle) => {
            const notes: string[] = [];
            if (bundle.name === 'webhook-receiver') {
              const within = (value: number | undefined): string => (value === undefined ? 'n/a' : yesNo(value <= RECEIVER_MAX_REQUIRE_MS));
              notes.push(`≤ ${RECEIVER_MAX_KB} KB: ${yesNo(bundle.coldStartKb <= RECEIVER_MAX_KB)}`);
              notes.push(`≤ ${RECEIVER_MAX_REQUIRE_MS} ms: ${within(bundle.coldImportMs)}`);
            }
            if (bundle.containsMssql && !bundle.reachesTenantDatabases) notes.push('mssql where it is not needed');
            if (bundle.mssqlAtColdStart) notes.push('mssql is evaluated at cold start (not behind a dynamic import)');
            if (bundle.containsMssql && !bundle.mssqlAtColdStart) notes.push(`mssql chunk ${round(bundle.mssqlChunksKb, 0)} KB, loaded for a SQL Server tenant only`);
            if (bundle.error) notes.push(bundle.error);
            return [
              bundle.name,
              round(bundle.indexKb, 0),
              round(bundle.coldStartKb, 0),
              `${round(bundle.totalJsKb, 0)} (${bundle.modules})`,
              round(bundle.zippedKb, 0),
              round(bundle.sdkColdStartKb, 0),
              ms(bundle.coldImportMs),
              yesNo(bundle.containsMssql),
              yesNo(bundle.mssqlAtColdStart),
              yesNo(bundle.reachesTenantDatabases),
              bundle.largestPackages.join(', '),
              notes.join('; '),
            ];
          }),
        ),
    );
  }
  return sections.join('\n\n');
};

export const renderMarkdown = (results: BenchResults): string => {
  const { machine } = results;
  const settings = Object.entries(results.settings)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return `# Benchmarks

Produced by \`pnpm bench\` (scripts/src/bench/run.ts), which prints figures and makes no assertions.
Rerun it after a change that touches the inbound or outbound path and commit the new numbers with the change.

## What is measured

- **Receiver HTTP use case**: \`handleHttpRequest\` of the webhook-receiver with in-memory ports that
  answer at once (credentials, publisher, bucket), so the figure is the handler's own CPU time per
  signed Meta webhook: signature check, JSON parse, routing, event building.
- **End to end through local mode**: \`startLocalGateway\` in the benchmark's process (fauxqs in a child
  process, the real receiver behind the HTTP adapter, the real writer behind the queue poller). N signed
  one-message webhooks over 50 conversations are posted with bounded concurrency; the clock stops when
  the last row is in the tenant database (PGlite, then PostgreSQL).
- **Floor, in the same run**: fauxqs send + receive + delete of N messages in batches of 10 with a
  producer and a consumer running together, and the writer's insert through the tenant-db adapter into
  the same tenant databases (rows on a channel of their own). The ratio compares ingest with the slower
  of the two floors; the goal is ≥ 50 %. For the outbound path the database floor is the tenant's own
  \`wa_outbound_messages\` INSERT through the tenant-db adapter (rows due in a year, so never sent).
- **Outbound end to end through local mode**: the same gateway; N text rows are inserted round-robin
  over both tenants' Meta and Whapi channels (10 recipients each) the way a tenant system would. The
  collector (its local schedule: one per-tenant run every 5 s), the sender and the status-saver are the
  real handlers; the provider sandbox accepts each send and posts sent → delivered → read webhooks back
  through the real receiver. The clock runs from the first INSERT until every row is 'sent', then
  'read' (rows are watched with a cursor in pages of 200). Latencies come from the rows' \`created_at\` /
  \`queued_at\` and the sandbox's \`acceptedAt\`. **SQS requests are counted at the emulator**
  (fauxqs counts every request by action and queue, so every client — services, pollers — is included,
  idle long-polls too); **invocations** are counted by the local pollers (one per batch), the schedule,
  the Lambda Invoke endpoint (per-tenant collector runs, broker calls) and the HTTP adapter.
- **Bundles**: each function bundled exactly as CDK deploys it (\`bundleLambda\` in
  infra/src/lambda-bundle.ts: esbuild ESM, code splitting, node22, minified, source maps; the AWS SDK
  bundled, PGlite left out). "JS loaded at cold start" = index.mjs and the chunks it imports
  statically (esbuild metafile); a chunk reached only through a dynamic \`import()\` (the tenant-db
  dialects: mssql + tedious, pg) is not loaded until a tenant on that engine is opened. Zipped = every
  file of the asset, source maps too, deflated at level 9 with zip headers. Cold import = a fresh
  \`node\` importing index.mjs from a directory with no node_modules (as in Lambda) with the deployed
  \`NODE_OPTIONS\` (\`--enable-source-maps\`: a file's map is read when the file loads), median of several
  runs.

## Latest run

- Date: ${machine.date}
- Machine: \`uname -m\` ${machine.arch}, ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${machine.memoryGb} GB RAM
- Node: ${machine.node}
- Settings: ${settings}

${renderTables(results)}
${results.notes.length > 0 ? `\n### Notes\n\n${results.notes.map((note) => `- ${note}`).join('\n')}\n` : ''}`;
};
