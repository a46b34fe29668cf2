import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { MessagingProvider } from '@wagw/core/ports';
import type { Provider } from '@wagw/contracts';
import { messagingProviders } from '../../src/send/messaging-providers';

export interface TestProviders {
  providers: Record<Provider, MessagingProvider>;
  /** Closes the keep-alive sockets the providers hold. */
  close(): void;
}

/** Short deadlines keep the timeout cases quick; they assert outcomes, never durations. */
export const TEST_SEND_TIMEOUT_MS = 400;
export const TEST_UPLOAD_TIMEOUT_MS = 400;

export const testProviders = (options: { lookup?: LookupFunction } = {}): TestProviders => {
  const httpAgent = new Agent({ keepAlive: true, ...(options.lookup === undefined ? {} : { lookup: options.lookup }) });
  return {
    providers: messagingProviders({ sendTimeoutMs: TEST_SEND_TIMEOUT_MS, uploadTimeoutMs: TEST_UPLOAD_TIMEOUT_MS, httpAgent }),
    close: () => httpAgent.destroy(),
  };
};

/** A DNS lookup that never answers: the connection never opens, so nothing is ever sent. */
export const lookupThatNeverAnswers: LookupFunction = () => undefined;

/** The multipart form of a recorded request, parsed the way a server would. */
export const parseMultipart = async (contentType: string | undefined, body: Buffer): Promise<FormData> =>
  new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
