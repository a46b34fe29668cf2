import type { SendResultEventV1 } from '@wagw/contracts';

const DEFAULT_CAPACITY = 1_000;

const keyOf = (event: { tenantId: string; rowId: string; attempt: number }): string => `${event.tenantId}\u0000${event.rowId}\u0000${event.attempt}`;

/**
 * Send results whose publish to status-events failed after the provider had answered. The record is
 * failed so that the publish is retried, and the redelivery publishes the held result instead of
 * sending the message a second time. It lives in the container's memory: a redelivery that lands on
 * another container cannot see it (the residual duplicate risk the README describes). Bounded; the
 * oldest entry goes first.
 */
export class HeldResults {
  private readonly entries = new Map<string, SendResultEventV1>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  hold(result: SendResultEventV1): void {
    const key = keyOf(result);
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, result);
  }

  find(row: { tenantId: string; rowId: string; attempt: number }): SendResultEventV1 | undefined {
    return this.entries.get(keyOf(row));
  }

  release(row: { tenantId: string; rowId: string; attempt: number }): void {
    this.entries.delete(keyOf(row));
  }
}
