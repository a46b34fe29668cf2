#!/usr/bin/env node
// Local SQS + S3 emulator (fauxqs) bound to 127.0.0.1 only. fauxqs' own startFauxqs listens on
// 0.0.0.0, so this script repeats its store and persistence wiring around buildApp.
// Usage: node fauxqs-server.mjs --port <n|0> [--data-dir <dir>] [--exit-with-stdin]
// Prints one line {"ready":true,"port":N} on stdout once listening. SIGTERM/SIGINT stop it cleanly.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}
const dataDir = values['data-dir'];

// The package exports only its entry point; the stores live beside it in dist/.
const appUrl = import.meta.resolve('fauxqs');
const load = (relative) => import(new URL(relative, appUrl).href);
const [{ buildApp }, { SqsStore }, { SnsStore }, { S3Store }, { PersistenceManager }] = await Promise.all([
  import(appUrl),
  load('./sqs/sqsStore.js'),
  load('./sns/snsStore.js'),
  load('./s3/s3Store.js'),
  load('./persistence.js'),
]);

const sqsStore = new SqsStore();
const snsStore = new SnsStore();
const s3Store = new S3Store();
// Queue URLs take the host the client used (127.0.0.1:port), not sqs.<region>.localhost.
sqsStore.host = '';

const persistence = dataDir ? new PersistenceManager(dataDir) : undefined;
if (persistence) {
  // fauxqs opens SQLite in WAL mode with synchronous=FULL: an fsync per queue operation. NORMAL keeps
  // every committed operation across a crash or restart of the process (only a power loss can drop
  // the last ones), which is what local state needs, at a fraction of the cost.
  persistence.db.exec('PRAGMA synchronous = NORMAL');
  // Load before wiring persistence into the stores, as startFauxqs does: loading must not write back.
  persistence.load(sqsStore, snsStore, s3Store);
  sqsStore.persistence = persistence;
  snsStore.persistence = persistence;
  s3Store.persistence = persistence;
  for (const queue of sqsStore.allQueues()) queue.persistence = persistence;
}

const app = buildApp({ logger: false, stores: { sqsStore, snsStore, s3Store } });
if (persistence) app.addHook('preClose', () => persistence.close());

// Request counts, for benchmarks: every SQS call by action and queue name, every S3 call by method.
// Counted at the emulator, so they cover every client (services, pollers, tools) without touching them.
let counts = { sqs: {}, s3: {} };
const bump = (table, key, sub) => {
  table[key] ??= {};
  table[key][sub] = (table[key][sub] ?? 0) + 1;
};
app.addHook('preHandler', async (request) => {
  const path = request.url.split('?')[0];
  if (path === '/health' || path.startsWith('/_fauxqs') || path.startsWith('/_wagw')) return;
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AmazonSQS.')) {
    const queueUrl = typeof request.body?.QueueUrl === 'string' ? request.body.QueueUrl : '';
    bump(counts.sqs, target.slice('AmazonSQS.'.length), queueUrl.split('/').pop() || '-');
  } else {
    bump(counts.s3, request.method, 'requests');
  }
});
app.get('/_wagw/request-counts', async () => counts);
app.delete('/_wagw/request-counts', async () => {
  counts = { sqs: {}, s3: {} };
  return counts;
});

let stopping = false;
const stop = async (exitCode) => {
  if (stopping) return;
  stopping = true;
  try {
    await app.close();
  } catch (error) {
    process.stderr.write(`fauxqs close failed: ${error?.stack ?? error}\n`);
    exitCode = 1;
  }
  process.exit(exitCode);
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
if (values['exit-with-stdin']) {
  // The parent holds our stdin open; when it goes away (even killed), so do we.
  process.stdin.on('end', () => void stop(0));
  process.stdin.on('error', () => void stop(0));
  process.stdin.resume();
}

try {
  const address = await app.listen({ host: '127.0.0.1', port });
  const actualPort = Number(new URL(address).port);
  process.stdout.write(`${JSON.stringify({ ready: true, port: actualPort })}\n`);
} catch (error) {
  process.stderr.write(`fauxqs failed to listen on 127.0.0.1:${port}: ${error?.stack ?? error}\n`);
  persistence?.close();
  process.exit(1);
}
