import type { FaultSubject, FaultTable, SandboxFault } from './fault-table';
import { faultAnswersError, replyFault } from './replies';
import type { SandboxRequest } from './router';
import type { SandboxSentMessage, SandboxUpload } from './sandbox-records';

export interface SandboxMedia {
  id: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface SandboxTokens {
  meta: readonly string[];
  whapi: readonly string[];
}

/** What route handlers share: the media, the faults, the accepted tokens and the records. */
export interface SandboxContext {
  /** `http://127.0.0.1:<port>`, the sandbox's own address (download URLs point back at it). */
  baseUrl(): string;
  /** Media added by tests and uploaded by clients, by id. */
  media: Map<string, SandboxMedia>;
  faults: FaultTable;
  tokens: SandboxTokens;
  /** Resolves after `ms`, or at once when the sandbox closes. */
  wait(ms: number): Promise<void>;
  /** Whether Meta accepts this bearer token. */
  isMetaToken(token: string | undefined): boolean;
  /** Whether Whapi accepts this bearer token (listed in tokens.whapi or mapped to a channel). */
  isWhapiToken(token: string | undefined): boolean;
  /** The Whapi channel a token belongs to, if mapped. */
  whapiChannelFor(token: string): string | undefined;
  /** 1, 2, 3… one per accepted send, for readable message ids. */
  nextSequence(): number;
  /** Records an accepted send and, unless told not to, schedules its status webhooks. */
  recordSent(message: SandboxSentMessage, options?: { statusWebhooks?: boolean }): void;
  /** The accepted send with this provider message id, newest first. */
  findSent(provider: SandboxSentMessage['provider'], providerMessageId: string): SandboxSentMessage | undefined;
  recordUpload(upload: SandboxUpload): void;
}

/**
 * Whether the client is gone. The socket knows at once when it was destroyed; `res.destroyed` only
 * after the close event, so a handler resuming in the same tick as a close would miss it.
 */
export const clientGone = (request: SandboxRequest): boolean => request.res.destroyed || request.req.socket.destroyed;

/**
 * Applies the first fault matching this request: waits its delay, then answers its error with the
 * provider's envelope. Returns the fault (so the handler can apply size overrides or a late answer)
 * and whether the request is already answered — also when the client gave up during the delay.
 */
export const applyFault = async (
  context: SandboxContext,
  request: SandboxRequest,
  subject: FaultSubject,
  provider: 'meta' | 'whapi',
): Promise<{ answered: boolean; fault: SandboxFault | undefined }> => {
  const fault = context.faults.take(subject);
  if (fault?.delayMs !== undefined) await context.wait(fault.delayMs);
  if (clientGone(request)) return { answered: true, fault };
  if (fault !== undefined && faultAnswersError(fault)) {
    replyFault(request.res, provider, fault);
    return { answered: true, fault };
  }
  return { answered: false, fault };
};

/** After an accepted send: holds the answer for `acceptThenDelayMs`; false when the client left meanwhile. */
export const holdAcceptedAnswer = async (context: SandboxContext, request: SandboxRequest, fault: SandboxFault | undefined): Promise<boolean> => {
  if (fault?.acceptThenDelayMs !== undefined) await context.wait(fault.acceptThenDelayMs);
  return !clientGone(request);
};
