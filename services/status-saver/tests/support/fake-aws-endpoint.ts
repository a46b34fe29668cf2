import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VisibilityChange {
  QueueUrl: string;
  ReceiptHandle: string;
  VisibilityTimeout: number;
}

export interface FakeAwsEndpoint {
  /** For AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_SQS and queue URLs. */
  endpoint: string;
  /** Every SQS ChangeMessageVisibility received, in order. */
  visibilityChanges: VisibilityChange[];
  close(): Promise<void>;
}

type BrokerAnswer = (request: Record<string, unknown>) => unknown;

/**
 * One local HTTP server that answers what the status-saver's handler calls: Lambda Invoke of the
 * credentials broker (the body `broker` returns) and SQS ChangeMessageVisibility (AWS JSON protocol,
 * recorded). Anything else is a 400.
 */
export const startFakeAwsEndpoint = async (broker: BrokerAnswer): Promise<FakeAwsEndpoint> => {
  const visibilityChanges: VisibilityChange[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(request.url ?? '')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(broker(body)));
        return;
      }
      if (request.method === 'POST' && target === 'AmazonSQS.ChangeMessageVisibility') {
        visibilityChanges.push(body as unknown as VisibilityChange);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' });
        response.end('{}');
        return;
      }
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'InvalidAction', message: `unsupported: ${request.method} ${request.url} ${target}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    visibilityChanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
