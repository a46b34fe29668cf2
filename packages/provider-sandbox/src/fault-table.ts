import type { RandomSource } from './seeded-random';

/**
 * A misbehaviour the sandbox applies to matching requests, so tests and demos can drive every
 * failure path of a client.
 */
export interface SandboxFault {
  /** Only requests about this media id; all of them when absent. */
  mediaId?: string;
  /** Only this route (e.g. 'meta-send', 'meta-media-download'); every route when absent. */
  route?: string;
  /** Only sends to this recipient (compared by phone digits, so '+1555…', '1555…@s.whatsapp.net' match). */
  to?: string;
  /** Answer this HTTP status with the provider's error envelope instead of the real answer. */
  status?: number;
  /** Answer Meta's Graph error envelope for this code, with its HTTP status (e.g. 130429 → 429). Meta routes only. */
  graphErrorCode?: number;
  /** Answer Whapi's error envelope with this HTTP status. Whapi routes only. */
  whapiStatus?: number;
  /** Hit each matching request with this chance (0..1), drawn from the sandbox's seeded generator. */
  probability?: number;
  /**
   * Wait this long before answering. Longer than the client's timeout, it is a timeout before the
   * provider accepted anything: the message is not recorded as sent.
   */
  delayMs?: number;
  /**
   * Accept the message (record it, post its status webhooks), then answer only after this delay: the
   * client times out on a message the provider did take.
   */
  acceptThenDelayMs?: number;
  /** Declare this size (Content-Length, and `file_size` in Meta's lookup) instead of the real one. */
  declaredSize?: number;
  /** Stream the bytes without a Content-Length (chunked), so only the streamed count can tell the size. */
  omitContentLength?: boolean;
  /** Apply to this many matching requests, then expire; forever when absent. */
  times?: number;
}

/** What a request is about, for matching faults. */
export interface FaultSubject {
  route: string;
  mediaId?: string | undefined;
  to?: string | undefined;
}

interface ActiveFault {
  fault: SandboxFault;
  remaining: number;
}

/** Phone-like recipients compare by digits; group and other chat ids compare as written. */
export const recipientKey = (to: string): string => {
  const withoutSuffix = to.replace(/@(s\.whatsapp\.net|c\.us)$/, '');
  return /^[+\d\s().-]+$/.test(withoutSuffix) ? withoutSuffix.replace(/\D/g, '') : to;
};

const providerAllows = (fault: SandboxFault, route: string): boolean =>
  (fault.graphErrorCode === undefined || route.startsWith('meta-')) && (fault.whapiStatus === undefined || route.startsWith('whapi-'));

const matches = (fault: SandboxFault, subject: FaultSubject): boolean =>
  (fault.route === undefined || fault.route === subject.route) &&
  (fault.mediaId === undefined || fault.mediaId === subject.mediaId) &&
  (fault.to === undefined || (subject.to !== undefined && recipientKey(fault.to) === recipientKey(subject.to))) &&
  providerAllows(fault, subject.route);

export class FaultTable {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: RandomSource) {}

  add(fault: SandboxFault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The oldest fault that matches this request and fires (a fault with a probability draws once per
   * matching request; a miss neither applies nor uses up one of its `times`), counted as used.
   */
  take(subject: FaultSubject): SandboxFault | undefined {
    const active = this.faults.find(
      ({ fault }) => matches(fault, subject) && (fault.probability === undefined || this.random() < fault.probability),
    );
    if (active === undefined) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) this.faults = this.faults.filter((entry) => entry !== active);
    return active.fault;
  }
}
