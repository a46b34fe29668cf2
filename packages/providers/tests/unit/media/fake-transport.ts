import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/media/http-transport';

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** A transport that answers from a table keyed by URL and records every request it was asked to make. */
export const fakeTransport = (answers: Record<string, FakeAnswer | ((request: HttpRequest) => FakeAnswer)>) => {
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = (request) => {
    requests.push(request);
    const entry = answers[request.url.href];
    if (entry === undefined) return Promise.resolve(toResponse({ status: 599, body: `no fake answer for ${request.url.href}` }));
    return Promise.resolve(toResponse(typeof entry === 'function' ? entry(request) : entry));
  };
  return { transport, requests };
};

const toResponse = (answer: FakeAnswer): HttpResponse => ({
  status: answer.status,
  headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  body: Readable.from(answer.body === undefined ? [] : [Buffer.from(answer.body)]),
});
