import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COLD_START_ENV, FUNCTION_ENTRIES } from '../../src/function-entries';
import type { FunctionEntryName } from '../../src/function-entries';
import { NODE_RUNTIME_ENV } from '../../src/function-environments';
import { bundleLambda } from '../../src/lambda-bundle';
import { callHandlerInChild } from '../support/lambda-asset';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** For each function, an event its handler answers without touching AWS or a database, and the answer. */
const SIDE_EFFECT_FREE: Record<FunctionEntryName, { event: unknown; answer: unknown }> = {
  'webhook-receiver': {
    event: { rawPath: '/health', requestContext: { http: { method: 'GET' }, requestId: 'load-test' } },
    answer: { statusCode: 200, body: JSON.stringify({ status: 'ok' }) },
  },
  'webhook-media': { event: { Records: [] }, answer: { batchItemFailures: [] } },
  'inbound-writer': { event: { Records: [] }, answer: { batchItemFailures: [] } },
  // A tenant run request without a tenant id is logged and dropped (never widened into a fan-out).
  'outbound-collector': { event: { tenantId: '' }, answer: { run: 'rejected' } },
  'message-sender': { event: { Records: [] }, answer: { batchItemFailures: [] } },
  'status-saver': { event: { Records: [] }, answer: { batchItemFailures: [] } },
  // Not a broker request: answered with a typed error before any secret is read.
  'credentials-broker': { event: {}, answer: { ok: false, error: { code: 'BROKER_REQUEST_INVALID' } } },
};

const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionEntryName[];

/** The deployed NODE_OPTIONS plus the flags the nodejs22.x runtime itself sets (it turns these experiments off). */
const LAMBDA_NODE_OPTIONS = `${NODE_RUNTIME_ENV.NODE_OPTIONS ?? ''} --no-experimental-require-module --no-experimental-detect-module`.trim();

describe('every Lambda bundle loads as an ES module in a fresh Node 22 and answers', () => {
  // <workDir>/<function>/index.mjs in a temporary directory: no node_modules anywhere above it, so the
  // bundle must carry everything it loads (the AWS SDK included).
  const workDir = mkdtempSync(path.join(tmpdir(), 'wagw-lambda-load-'));

  beforeAll(() => {
    for (const name of NAMES) {
      bundleLambda(path.join(REPO_ROOT, FUNCTION_ENTRIES[name].entry), path.join(workDir, name));
    }
  }, 120_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it.each(NAMES)('%s', (name) => {
    // Act
    const env = { ...COLD_START_ENV, ...NODE_RUNTIME_ENV, NODE_OPTIONS: LAMBDA_NODE_OPTIONS };
    const run = callHandlerInChild(path.join(workDir, name, 'index.mjs'), SIDE_EFFECT_FREE[name].event, env);

    // Assert
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.result).toMatchObject(SIDE_EFFECT_FREE[name].answer as object);
  });
});
