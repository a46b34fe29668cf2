import type { ClientRequest } from 'node:http';
import { isAxiosError } from 'axios';
import type { ProviderCallResult } from '@wagw/core/ports';

export const SEND_OUTCOME_UNKNOWN = 'SEND_OUTCOME_UNKNOWN';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);
/** A keep-alive socket the server had already closed: the request never reached it (Node's documented retry case). */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/** The request could not even be built: retrying the same channel record cannot help. */
const BAD_REQUEST_CODES = new Set(['ERR_INVALID_URL', 'ERR_BAD_OPTION_VALUE', 'ERR_BAD_OPTION']);

export interface CallContext {
  kind: 'send' | 'upload';
  host: string;
  timeoutMs: number;
}

const isClientRequest = (value: unknown): value is ClientRequest =>
  typeof value === 'object' && value !== null && 'writableFinished' in value;

/**
 * A call that ended without an HTTP answer. The question that matters is whether the provider may
 * have received the whole request: Node's `writableFinished` says the body was handed to the socket.
 * - not written (refused, DNS, connect timeout, reset while writing) → retryable: nothing was sent;
 * - reset on a reused keep-alive socket → retryable: the server closed it before reading our request;
 * - timeout or reset after the body was written → a send's outcome is unknown (the provider may have
 *   accepted it; resending could duplicate the message). An upload is retryable instead: a second
 *   upload only leaves an unused media id behind.
 * Anything that is not an axios error is a bug and is thrown on.
 */
export const classifyNetworkFailure = (error: unknown, context: CallContext): ProviderCallResult => {
  if (!isAxiosError(error)) throw error;
  const code = error.code ?? 'NETWORK_ERROR';
  const request = isClientRequest(error.request) ? error.request : undefined;
  const what = `${context.kind} to ${context.host}`;
  const timedOut = TIMEOUT_CODES.has(code);

  if (request === undefined && BAD_REQUEST_CODES.has(code)) {
    return { outcome: 'rejected', code: 'PROVIDER_URL_INVALID', message: `${what} could not be made: ${error.message}`, retry: 'permanent' };
  }
  if (request?.reusedSocket === true && STALE_SOCKET_CODES.has(code)) {
    return { outcome: 'rejected', code, message: `${what} hit a keep-alive connection the server had closed (${code})`, retry: 'retryable' };
  }
  const written = request?.writableFinished === true;
  if (!written) {
    const reason = timedOut ? `no connection within ${context.timeoutMs} ms` : error.message;
    return { outcome: 'rejected', code: timedOut ? 'CONNECT_TIMEOUT' : code, message: `${what} failed before the request was sent: ${reason}`, retry: 'retryable' };
  }
  const reason = timedOut ? `no answer within ${context.timeoutMs} ms` : `the connection failed (${code}: ${error.message})`;
  if (context.kind === 'upload') {
    return { outcome: 'rejected', code: timedOut ? 'UPLOAD_TIMEOUT' : code, message: `${what}: ${reason} after the file was sent`, retry: 'retryable' };
  }
  return {
    outcome: 'unknown',
    code: SEND_OUTCOME_UNKNOWN,
    message: `${what}: ${reason} after the request was sent; the provider may or may not have accepted the message`,
  };
};
