import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { createLambdaContext } from './lambda-context';
import type { LocalLogger } from './local-logger';
import { errorFields, silentLogger } from './local-logger';

/** A Lambda handler: the event, and a Context whose remaining time counts down from the function's timeout. */
export type InvokableFunction = (event: unknown, context: Context) => Promise<unknown>;

/** Lambda's default function timeout is 3 s; local functions get more unless told otherwise. */
const DEFAULT_TIMEOUT_MS = 30_000;

export interface LambdaInvokeServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Handlers by function name. */
  functions: Record<string, InvokableFunction>;
  /** Function timeouts (what context.getRemainingTimeInMillis counts down from); default 30 s. */
  timeoutsMs?: Record<string, number>;
  /** Where failures of asynchronous (`Event`) invocations are reported; they have no caller to return to. */
  logger?: LocalLogger;
}

export interface LambdaInvokeServer {
  /** `http://127.0.0.1:{port}`: give it to a LambdaClient as `endpoint` (or AWS_ENDPOINT_URL_LAMBDA). */
  endpoint: string;
  port: number;
  /** Invocations per function name (RequestResponse and Event; DryRun is not an invocation). */
  readonly invocations: Readonly<Record<string, number>>;
  /** Serves one more function (one whose handler can only be imported once the endpoint is known). */
  addFunction(name: string, handler: InvokableFunction, timeoutMs?: number): void;
  /**
   * Waits for the running asynchronous invocations. With `cutShort`, their remaining time drops to
   * zero first, so a handler that watches it (the collector's polling loop) ends at once.
   */
  drain(options?: { cutShort?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Lambda's synchronous request payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** `name`, `name:qualifier`, `arn:aws:lambda:region:account:function:name[:qualifier]` or `account:function:name` → name. */
export const functionNameOf = (identifier: string): string => {
  const parts = identifier.split(':');
  const at = parts.indexOf('function');
  return (at >= 0 ? parts[at + 1] : parts[0]) ?? '';
};

class ClientError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
};

/** Lambda's error shape: the type in `x-amzn-ErrorType` (what the SDK reads) and the body. */
const sendError = (response: ServerResponse, error: ClientError): void =>
  sendJson(response, error.status, { Type: 'User', message: error.message }, { 'x-amzn-errortype': error.type });

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) {
      throw new ClientError(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

const parseEvent = (body: Buffer): unknown => {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ClientError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
};

/** What Lambda returns for a handler that threw: `{ errorType, errorMessage, trace }`. */
const unhandledBody = (error: unknown): { errorType: string; errorMessage: string; trace: string[] } =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') }
    : { errorType: 'Error', errorMessage: String(error), trace: [] };

/**
 * Local mode's Lambda: the subset of the Invoke API the AWS SDK uses
 * (`POST /2015-03-31/functions/{name}/invocations`), so services reach in-process handlers through
 * the same LambdaClient they use in AWS. RequestResponse answers the handler's JSON result (a thrown
 * error answers 200 with `X-Amz-Function-Error: Unhandled`, as Lambda does); Event answers 202 and
 * runs the handler in the background; DryRun answers 204. Listens on 127.0.0.1 only.
 */
export const startLambdaInvokeServer = async (options: LambdaInvokeServerOptions): Promise<LambdaInvokeServer> => {
  const logger = options.logger ?? silentLogger;
  const functions = new Map(Object.entries(options.functions));
  const running = new Map<Promise<unknown>, { at: number }>();
  const invocations: Record<string, number> = {};
  const timeoutsMs = new Map(Object.entries(options.timeoutsMs ?? {}));
  const contextFor = (name: string): { context: Context; deadline: { at: number } } => {
    const deadline = { at: Date.now() + (timeoutsMs.get(name) ?? DEFAULT_TIMEOUT_MS) };
    return { context: createLambdaContext({ functionName: name, region: REGION, deadline }), deadline };
  };

  const invoke = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = INVOKE_PATH.exec(url.pathname);
    if (request.method !== 'POST' || match === null) {
      throw new ClientError(404, 'UnknownOperationException', `unsupported operation ${request.method ?? ''} ${url.pathname}`);
    }
    const name = functionNameOf(decodeURIComponent(match[1] ?? ''));
    const handler = functions.get(name);
    if (handler === undefined) {
      throw new ClientError(404, 'ResourceNotFoundException', `Function not found: ${functionArn(name)}`);
    }
    const event = parseEvent(await readBody(request));
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');

    switch (invocationType) {
      case 'DryRun':
        response.writeHead(204).end();
        return;
      case 'Event': {
        invocations[name] = (invocations[name] ?? 0) + 1;
        const { context, deadline } = contextFor(name);
        const run = handler(event, context)
          .catch((error: unknown) => logger.error({ functionName: name, ...errorFields(error) }, 'asynchronous invocation failed'))
          .finally(() => running.delete(run));
        running.set(run, deadline);
        response.writeHead(202, { 'content-length': '0' }).end();
        return;
      }
      case 'RequestResponse':
        break;
      default:
        throw new ClientError(400, 'InvalidParameterValueException', `unsupported invocation type ${invocationType}`);
    }

    const executed = { 'x-amz-executed-version': '$LATEST' };
    invocations[name] = (invocations[name] ?? 0) + 1;
    let result: unknown;
    try {
      result = await handler(event, contextFor(name).context);
    } catch (error) {
      sendJson(response, 200, unhandledBody(error), { ...executed, 'x-amz-function-error': 'Unhandled' });
      return;
    }
    // Lambda serialises an undefined result as null.
    sendJson(response, 200, result ?? null, executed);
  };

  const server = createServer((request, response) => {
    invoke(request, response).catch((error: unknown) => {
      if (error instanceof ClientError) {
        sendError(response, error);
        return;
      }
      logger.error({ ...errorFields(error) }, 'lambda invoke server failed');
      sendError(response, new ClientError(500, 'ServiceException', 'local Lambda invoke server failed'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const drain = async ({ cutShort = false }: { cutShort?: boolean } = {}): Promise<void> => {
    // Invocations started while draining (a handler invoking another) are waited for too.
    while (running.size > 0) {
      if (cutShort) for (const deadline of running.values()) deadline.at = Math.min(deadline.at, Date.now());
      await Promise.allSettled([...running.keys()]);
    }
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    invocations,
    addFunction: (name, handler, timeoutMs) => {
      functions.set(name, handler);
      if (timeoutMs !== undefined) timeoutsMs.set(name, timeoutMs);
    },
    drain,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await drain();
    },
  };
};
