import type { BundleResult } from './bundle-bench';
import type { DbInsertFloorResult } from './db-insert-floor-bench';
import type { IngestResult } from './ingest-bench';
import type { MachineInfo } from './machine-info';
import type { QueueFloorResult } from './queue-floor-bench';
import type { ReceiverBenchResult } from './receiver-handler-bench';
import { round } from './stats';

export const RECEIVER_MAX_KB = 400;
export const RECEIVER_MAX_REQUIRE_MS = 60;
export const INGEST_GOAL = 0.5;

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

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

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
  if (results.bundles.length > 0) {
    sections.push(
      '### Function bundles (esbuild: node22, cjs, minified, everything bundled incl. @aws-sdk)\n\n' +
        table(
          [
            'function',
            'size KB',
            'size KB, SDK external (as NodejsFunction ships it)',
            'cold require ms, everything (median)',
            'cold require ms, own code (SDK stubbed)',
            'contains mssql',
            'mssql loaded at cold start',
            'talks to SQL Server',
            'largest packages',
            'note',
          ],
          results.bundles.map((bundle) => {
            const notes: string[] = [];
            if (bundle.name === 'webhook-receiver') {
              const within = (ms: number | undefined): string => (ms === undefined ? 'n/a' : yesNo(ms <= RECEIVER_MAX_REQUIRE_MS));
              notes.push(`≤ ${RECEIVER_MAX_KB} KB: ${yesNo(bundle.sizeKb <= RECEIVER_MAX_KB)} with the SDK, ${yesNo(bundle.sdkExternalKb <= RECEIVER_MAX_KB)} without`);
              notes.push(`≤ ${RECEIVER_MAX_REQUIRE_MS} ms: ${within(bundle.coldRequireMs)} with the SDK, ${within(bundle.ownCodeRequireMs)} own code`);
            }
            if (bundle.containsMssql && !bundle.talksToSqlServer) notes.push('mssql where it is not needed');
            if (bundle.mssqlAtColdStart) notes.push('mssql is evaluated at cold start (not behind a dynamic import)');
            if (bundle.containsMssql && bundle.talksToSqlServer) notes.push(`mssql+tedious inputs ${round(bundle.mssqlInputKb, 0)} KB`);
            if (bundle.error) notes.push(bundle.error);
            return [
              bundle.name,
              round(bundle.sizeKb, 0),
              round(bundle.sdkExternalKb, 0),
              bundle.coldRequireMs === undefined ? 'n/a' : round(bundle.coldRequireMs, 1),
              bundle.ownCodeRequireMs === undefined ? 'n/a' : round(bundle.ownCodeRequireMs, 1),
              yesNo(bundle.containsMssql),
              yesNo(bundle.mssqlAtColdStart),
              yesNo(bundle.talksToSqlServer),
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
Rerun it after a change that touches the inbound path and commit the new numbers with the change.

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
  of the two floors; the goal is ≥ 50 %.
- **Bundles**: each Lambda entry bundled with esbuild (platform node, target node22, cjs, minified,
  everything bundled — @aws-sdk too, as a deployment would); cold require = a fresh \`node\` requiring
  the bundle, median of several runs. "mssql loaded at cold start" follows the bundle's static imports
  from the entry (esbuild metafile): mssql reached only through a dynamic \`import()\` is not evaluated
  until a SQL Server tenant is opened.

## Latest run

- Date: ${machine.date}
- Machine: \`uname -m\` ${machine.arch}, ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${machine.memoryGb} GB RAM
- Node: ${machine.node}
- Settings: ${settings}

${renderTables(results)}
${results.notes.length > 0 ? `\n### Notes\n\n${results.notes.map((note) => `- ${note}`).join('\n')}\n` : ''}`;
};
