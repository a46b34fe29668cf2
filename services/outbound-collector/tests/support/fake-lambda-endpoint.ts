import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedInvoke {
  functionName: string;
  invocationType: string;
  payload: unknown;
}

export interface FakeLambdaEndpoint {
  endpoint: string;
  invokes: ReceivedInvoke[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The Lambda Invoke API as the SDK speaks it (`POST /2015-03-31/functions/{name}/invocations`), for
 * the functions in `known`: an 'Event' invoke is answered 202, an unknown function 404
 * ResourceNotFoundException, as Lambda does.
 */
export const startFakeLambdaEndpoint = async (known: readonly string[]): Promise<FakeLambdaEndpoint> => {
  const invokes: ReceivedInvoke[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const functionName = decodeURIComponent(INVOKE_PATH.exec(request.url ?? '')?.[1] ?? '');
      if (!known.includes(functionName)) {
        response
          .writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' })
          .end(JSON.stringify({ Type: 'User', message: `Function not found: ${functionName}` }));
        return;
      }
      invokes.push({
        functionName,
        invocationType: String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse'),
        payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      response.writeHead(202, { 'content-length': '0' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invokes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
