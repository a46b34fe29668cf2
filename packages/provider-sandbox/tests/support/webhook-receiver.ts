import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received (what a signature covers). */
  raw: Buffer;
  json: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status codes to answer next, one per request (then 200). */
  answerNext(...statuses: number[]): void;
  /** Answer every request with this status from now on. */
  answerAlways(status: number): void;
  /** Hold each answer this long (to see how many requests arrive at once). */
  holdAnswers(ms: number): void;
  /** The most requests that were open at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** A small HTTP server standing in for the gateway's webhook endpoints. */
export const startWebhookReceiver = async (): Promise<WebhookReceiver> => {
  const received: ReceivedWebhook[] = [];
  const queued: number[] = [];
  let always: number | undefined;
  let holdMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ path: req.url ?? '/', headers: req.headers, raw, json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
      const status = queued.shift() ?? always ?? 200;
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerNext: (...statuses) => {
      queued.push(...statuses);
    },
    answerAlways: (status) => {
      always = status;
    },
    holdAnswers: (ms) => {
      holdMs = ms;
    },
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
