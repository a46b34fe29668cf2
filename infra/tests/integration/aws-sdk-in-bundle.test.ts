import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createS3Client, createSqsClient } from '@wagw/aws/clients';
import { S3BlobStore } from '@wagw/aws/s3-blob-store';
import { createGatewayResources } from '@wagw/emulator/gateway-resources';
import type { EmulatorRequestCounts } from '@wagw/emulator/request-counts';
import { readRequestCounts, resetRequestCounts, sqsRequestsOn } from '@wagw/emulator/request-counts';
import type { RunningEmulator } from '@wagw/emulator/start-emulator';
import { startEmulator } from '@wagw/emulator/start-emulator';
import { NODE_RUNTIME_ENV } from '../../src/function-environments';
import { bundleLambda } from '../../src/lambda-bundle';
import type { AwsSdkProbeAnswer, AwsSdkProbeRequest } from '../support/aws-sdk-probe';
import type { ChildRun } from '../support/lambda-asset';
import { callHandlerInChild } from '../support/lambda-asset';

// Real AWS SDK calls made from a bundle built by bundleLambda and run by a fresh node, as a deployed
// function makes them. Loading a bundle (lambda-load.test.ts) runs none of the SDK code that waits for
// a first call: the credential provider chain, the node:http handler, SigV4, the JSON and XML
// protocols, endpoint rules and lib-storage's multipart upload. Each of those is taken here.

/** What the Lambda runtime puts in a function's environment: its role's credentials and its region. */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'ASIAPROBEENVCHAIN0001',
  AWS_SECRET_ACCESS_KEY: 'probe-secret-access-key',
  AWS_SESSION_TOKEN: 'probe-session-token',
  // Should the environment provider fail, the chain must not wait on an instance metadata lookup.
  AWS_EC2_METADATA_DISABLED: 'true',
  ...NODE_RUNTIME_ENV,
  // The flags the nodejs22.x runtime adds (see lambda-load.test.ts).
  NODE_OPTIONS: `${NODE_RUNTIME_ENV.NODE_OPTIONS ?? ''} --no-experimental-require-module --no-experimental-detect-module`.trim(),
};

const STREAM_BYTES = 6 * 1024 * 1024;
const NAME_PREFIX = 'sdk-probe-';
const OUTBOUND_QUEUE = `${NAME_PREFIX}outbound-messages.fifo`;

const MESSAGES = [1, 2, 3].map((index) => ({
  body: JSON.stringify({ schema: 'probe.v1', index, text: 'olá 👋' }),
  groupId: `tenant-probe:channel-1:contact-${index}`,
  deduplicationId: `probe:${index}`,
}));

const SECRET = { Name: 'wagw/tenants/probe', SecretString: '{"token":"probe"}' };

interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A local HTTP server that answers every request as Secrets Manager's GetSecretValue and records what
 * it received. It runs in a worker thread because callHandlerInChild blocks this thread (spawnSync)
 * for as long as the probe runs.
 */
const startRecordingServer = async (): Promise<{ endpoint: string; requests(): Promise<RecordedRequest[]>; stop(): Promise<number> }> => {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createServer } = require('node:http');
    const requests = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        requests.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(workerData.answer));
      });
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
    parentPort.on('message', () => parentPort.postMessage({ requests }));
  `;
  const worker = new Worker(source, { eval: true, workerData: { answer: { ARN: `arn:aws:secretsmanager:eu-west-3:000000000000:secret:${SECRET.Name}`, ...SECRET } } });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { port } = await next<{ port: number }>();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: async () => {
      const answer = next<{ requests: RecordedRequest[] }>();
      worker.postMessage('requests');
      return (await answer).requests;
    },
    stop: () => worker.terminate(),
  };
};

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('AWS SDK calls from inside a Lambda bundle', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'wagw-sdk-probe-'));
  const probeDir = path.join(workDir, 'probe');
  const bucket = 'sdk-probe';
  const key = 'media/tenant-probe/whapi/c1/video.mp4';
  let emulator: RunningEmulator;
  let secretsServer: Awaited<ReturnType<typeof startRecordingServer>>;
  let s3: ReturnType<typeof createS3Client>;
  let sqs: ReturnType<typeof createSqsClient>;
  let run: ChildRun;
  let counts: EmulatorRequestCounts;
  let secretRequests: RecordedRequest[];

  /** The probe's answer, or a failure that carries its output: the bundle did not run cleanly. */
  const answer = (): Extract<AwsSdkProbeAnswer, { ok: true }> => {
    const result = run.result as AwsSdkProbeAnswer | undefined;
    if (run.status !== 0 || result?.ok !== true) {
      throw new Error(`the probe failed (exit ${run.status}): ${JSON.stringify(result)}\n${run.stderr}`);
    }
    return result;
  };

  beforeAll(async () => {
    bundleLambda(path.join(__dirname, '..', 'support', 'aws-sdk-probe.ts'), probeDir);
    [emulator, secretsServer] = await Promise.all([startEmulator(), startRecordingServer()]);
    s3 = createS3Client({ endpoint: emulator.endpoint });
    sqs = createSqsClient({ endpoint: emulator.endpoint });
    const { queueUrls } = await createGatewayResources({ sqs, s3, bucket, namePrefix: NAME_PREFIX });
    await resetRequestCounts(emulator.endpoint);

    const request: AwsSdkProbeRequest = {
      endpoint: emulator.endpoint,
      bucket,
      key,
      streamBytes: STREAM_BYTES,
      outboundQueueUrl: queueUrls['outbound-messages'],
      messages: MESSAGES,
      secretsEndpoint: secretsServer.endpoint,
      secretId: SECRET.Name,
    };
    run = callHandlerInChild(path.join(probeDir, 'index.mjs'), request, LAMBDA_ENV);

    counts = await readRequestCounts(emulator.endpoint);
    secretRequests = await secretsServer.requests();
  }, 60_000);

  afterAll(async () => {
    s3?.destroy();
    sqs?.destroy();
    await Promise.all([emulator?.stop(), secretsServer?.stop()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('runs in a fresh node and writes nothing to stderr', () => {
    // Assert
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.result).toMatchObject({ ok: true });
  });

  it('streams 6 MiB to S3 through S3BlobStore as a multipart upload and reads the same bytes back', async () => {
    // Act
    const { uploadedSha256, downloadedSha256, downloadedBytes } = answer();
    const stored = await new S3BlobStore(s3, bucket).get(key);

    // Assert
    expect({ downloadedSha256, downloadedBytes }).toEqual({ downloadedSha256: uploadedSha256, downloadedBytes: STREAM_BYTES });
    expect(stored && { sha256: sha256(stored), bytes: stored.byteLength }).toEqual({ sha256: uploadedSha256, bytes: STREAM_BYTES });
    // CreateMultipartUpload and CompleteMultipartUpload (POST), two 5 MiB-at-most parts (PUT), then GetObject.
    expect(counts.s3).toEqual({ POST: { requests: 2 }, PUT: { requests: 2 }, GET: { requests: 1 } });
  });

  it('publishes through SqsEventPublisher in one SendMessageBatch and receives every message back from the FIFO queue', () => {
    // Act
    const { received } = answer();

    // Assert
    expect(sqsRequestsOn(counts, OUTBOUND_QUEUE, 'SendMessageBatch')).toBe(1);
    const byDeduplicationId = [...received].sort((a, b) => String(a.deduplicationId).localeCompare(String(b.deduplicationId)));
    expect(byDeduplicationId.map(({ body, groupId, deduplicationId }) => ({ body: JSON.parse(body) as unknown, groupId, deduplicationId }))).toEqual(
      MESSAGES.map(({ body, groupId, deduplicationId }) => ({ body: JSON.parse(body) as unknown, groupId, deduplicationId })),
    );
  });

  it('signs a plain client call with the credentials and region the default provider chain reads from the environment', () => {
    // Act
    const { secretString } = answer();

    // Assert
    expect(secretString).toBe(SECRET.SecretString);
    expect(secretRequests).toHaveLength(1);
    const [{ headers, body }] = secretRequests as [RecordedRequest];
    expect(headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(body)).toEqual({ SecretId: SECRET.Name });
    expect(headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${LAMBDA_ENV.AWS_ACCESS_KEY_ID}/\\d{8}/eu-west-3/secretsmanager/aws4_request, SignedHeaders=[^,]*\\bx-amz-security-token\\b[^,]*, Signature=[0-9a-f]{64}$`),
    );
    expect(headers['x-amz-security-token']).toBe(LAMBDA_ENV.AWS_SESSION_TOKEN);
  });
});
