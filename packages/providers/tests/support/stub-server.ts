import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequestHead {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** One request as the stub server saw it (the whole body, unless it reset before reading it). */
export interface StubRequest extends StubRequestHead {
  body: Buffer;
}

/**
 * What the stub does with a request:
 * - `reply`: answer with a status and a JSON body (or raw text, or nothing);
 * - `hang`: read the whole body, then never answer (the client's deadline passes after it sent everything);
 * - `reset`: read the whole body, then drop the connection without an answer;
 * - `reset-before-body`: drop the connection as soon as the headers are in, without reading the body;
 * - `partial`: start a 200 answer and drop the connection halfway through it.
 */
export type StubAction =
  | { reply: { status: number; json?: unknown; text?: string } }
  | 'hang'
  | 'reset'
  | 'reset-before-body'
  | 'partial';

export interface StubServer {
  baseUrl: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export const reply = (status: number, json?: unknown): StubAction => ({ reply: { status, json } });
export const replyText = (status: number, text: string): StubAction => ({ reply: { status, text } });

const answer = (res: ServerResponse, action: Extract<StubAction, { reply: unknown }>): void => {
  const { status, json, text } = action.reply;
  if (json !== undefined) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  } else if (text !== undefined) {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(text);
  } else {
    res.writeHead(status);
    res.end();
  }
};

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** A real HTTP server on 127.0.0.1 whose every answer is scripted by the test. */
export const startStubServer = async (script: (request: StubRequestHead, index: number) => StubAction): Promise<StubServer> => {
  const requests: StubRequest[] = [];
  let received = 0;
  const server = createServer((req, res) => {
    const head = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
    const action = script(head, received);
    received += 1;
    if (action === 'reset-before-body') {
      requests.push({ ...head, body: Buffer.alloc(0) });
      req.socket.destroy();
      return;
    }
    void readBody(req).then((body) => {
      requests.push({ ...head, body });
      if (action === 'hang') return;
      if (action === 'reset') {
        req.socket.destroy();
        return;
      }
      if (action === 'partial') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"messaging_product":"whatsapp","messages":[{"id":"wamid.');
        setImmediate(() => req.socket.destroy());
        return;
      }
      answer(res, action);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A port nothing listens on (it was free a moment ago): connecting is refused. */
export const closedPortUrl = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
};
