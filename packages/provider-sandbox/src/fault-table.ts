/**
 * A misbehaviour the sandbox applies to matching requests, so tests and demos can drive every
 * failure path of a client.
 */
export interface SandboxFault {
  /** Only requests about this media id; all of them when absent. */
  mediaId?: string;
  /** Only this route (e.g. 'meta-media-download'); every route when absent. */
  route?: string;
  /** Answer this HTTP status with the provider's error envelope instead of the real answer. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Declare this size (Content-Length, and `file_size` in Meta's lookup) instead of the real one. */
  declaredSize?: number;
  /** Stream the bytes without a Content-Length (chunked), so only the streamed count can tell the size. */
  omitContentLength?: boolean;
  /** Apply to this many matching requests, then expire; forever when absent. */
  times?: number;
}

interface ActiveFault {
  fault: SandboxFault;
  remaining: number;
}

export class FaultTable {
  private faults: ActiveFault[] = [];

  add(fault: SandboxFault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /** The oldest fault matching this request, counted as used. */
  take(route: string, mediaId: string | undefined): SandboxFault | undefined {
    const active = this.faults.find(
      ({ fault }) => (fault.route === undefined || fault.route === route) && (fault.mediaId === undefined || fault.mediaId === mediaId),
    );
    if (active === undefined) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) this.faults = this.faults.filter((entry) => entry !== active);
    return active.fault;
  }
}
