import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CredentialsUnavailableError } from '@wagw/core/errors';
import { LambdaBrokerTransport } from '../../src/lambda-broker-transport';

interface Received {
  path: string;
  invocationType: string | undefined;
  body: string;
}

/** A bare HTTP server standing in for Lambda: records each invoke and answers with `reply`. */
let reply: { status: number; body: string; headers?: Record<string, string> };
const received: Received[] = [];
let server: Server;
let lambda: LambdaClient;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        invocationType: request.headers['x-amz-invocation-type'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  lambda.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

describe('LambdaBrokerTransport (real LambdaClient)', () => {
  it('invokes the named function synchronously with the request as JSON payload', async () => {
    reply = { status: 200, body: JSON.stringify({ ok: true, result: [] }) };
    const transport = new LambdaBrokerTransport(lambda, 'wagw-credentials-broker');

    const response = await transport.invoke({ op: 'getTenantDatabase', tenantId: 'acme' });

    expect(response).toEqual({ ok: true, result: [] });
    expect(received).toEqual([
      { path: '/2015-03-31/functions/wagw-credentials-broker/invocations', invocationType: 'RequestResponse', body: '{"op":"getTenantDatabase","tenantId":"acme"}' },
    ]);
  });

  it("passes the broker's typed error answer through untouched", async () => {
    const answer = { ok: false, error: { code: 'TENANT_NOT_FOUND', message: 'no tenant acme', retryable: false } };
    reply = { status: 200, body: JSON.stringify(answer) };

    const response = await new LambdaBrokerTransport(lambda, 'broker').invoke({ op: 'getTenantDatabase', tenantId: 'acme' });

    expect(response).toEqual(answer);
  });

  it('turns a function error into a retryable CredentialsUnavailableError without the error payload', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ errorType: 'Error', errorMessage: 'secret-in-stack-trace' }),
      headers: { 'x-amz-function-error': 'Unhandled' },
    };

    const failure = new LambdaBrokerTransport(lambda, 'broker').invoke({ op: 'listMetaApps' });

    await expect(failure).rejects.toBeInstanceOf(CredentialsUnavailableError);
    await expect(failure).rejects.toMatchObject({ retryable: true, message: 'credentials broker broker failed (Unhandled)' });
  });

  it('turns a Lambda service error into CredentialsUnavailableError naming it', async () => {
    reply = { status: 429, body: JSON.stringify({ Type: 'User', message: 'Rate exceeded' }), headers: { 'x-amzn-errortype': 'TooManyRequestsException' } };

    const failure = new LambdaBrokerTransport(lambda, 'broker').invoke({ op: 'listMetaApps' });

    await expect(failure).rejects.toMatchObject({ code: 'CREDENTIALS_UNAVAILABLE', message: 'credentials broker broker could not be invoked (TooManyRequestsException)' });
  });

  it.each([
    ['a payload that is not JSON', 'Task timed out'],
    ['JSON that is not a broker response', JSON.stringify({ tenantId: 'acme' })],
  ])('turns %s into CredentialsUnavailableError', async (_label, body) => {
    reply = { status: 200, body };

    await expect(new LambdaBrokerTransport(lambda, 'broker').invoke({ op: 'listMetaApps' })).rejects.toBeInstanceOf(CredentialsUnavailableError);
  });
});
