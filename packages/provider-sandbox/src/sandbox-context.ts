import type { FaultTable, SandboxFault } from './fault-table';
import type { SandboxRequest } from './router';

export interface SandboxMedia {
  id: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface SandboxTokens {
  meta: readonly string[];
  whapi: readonly string[];
}

/** What route handlers share: the registered media, the faults, the accepted tokens. */
export interface SandboxContext {
  /** `http://127.0.0.1:<port>`, the sandbox's own address (download URLs point back at it). */
  baseUrl(): string;
  media: ReadonlyMap<string, SandboxMedia>;
  faults: FaultTable;
  tokens: SandboxTokens;
  /** Resolves after `ms`, or at once when the sandbox closes. */
  wait(ms: number): Promise<void>;
}

/**
 * Applies the first fault matching this request: waits its delay, then answers its status with the
 * provider's error envelope. Returns the fault (so the handler can apply size overrides) and whether
 * the request is already answered.
 */
export const applyFault = async (
  context: SandboxContext,
  request: SandboxRequest,
  route: string,
  mediaId: string | undefined,
  replyError: (status: number) => void,
): Promise<{ answered: boolean; fault: SandboxFault | undefined }> => {
  const fault = context.faults.take(route, mediaId);
  if (fault?.delayMs !== undefined) await context.wait(fault.delayMs);
  if (request.res.destroyed) return { answered: true, fault };
  if (fault?.status !== undefined) {
    replyError(fault.status);
    return { answered: true, fault };
  }
  return { answered: false, fault };
};
