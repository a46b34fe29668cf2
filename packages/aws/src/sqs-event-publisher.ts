import { setTimeout as sleep } from 'node:timers/promises';
import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { QueueRole } from '@wagw/contracts';
import type { EventPublisher, QueueMessage } from '@wagw/core/ports';
import { QueueNotConfiguredError, QueuePublishError } from './errors';
import { asciiJson } from './ascii-json';

export const SQS_MAX_BATCH_ENTRIES = 10;
/** SendMessageBatch's limit on the sum of all bodies in one call. */
export const SQS_MAX_BATCH_BYTES = 256 * 1024;

export interface SqsEventPublisherOptions {
  /** Rounds of resending the entries a partial batch response reported failed; default 3. */
  resendRounds?: number;
  /** Pause before the first resend, doubled every round; default 50 ms. */
  resendDelayMs?: number;
}

interface Entry {
  id: string;
  message: QueueMessage;
  groupId: string;
  bytes: number;
}

/**
 * The entries of the next SendMessageBatch call: the first pending entry of each message group, in
 * order, within 10 entries and 256 KiB of bodies. One entry per group is what keeps a group's order:
 * a batch is resent entry by entry, so a failed first entry resent after its group's second would
 * land behind it. A group's next entry waits for a later call, made only once this one fully succeeded.
 */
export const nextBatch = <T extends { bytes: number; groupId: string }>(pending: readonly T[]): T[] => {
  const batch: T[] = [];
  const seenGroups = new Set<string>();
  let bytes = 0;
  for (const entry of pending) {
    if (batch.length === SQS_MAX_BATCH_ENTRIES) break;
    if (seenGroups.has(entry.groupId)) continue;
    // Marked even when the entry does not fit: no later entry of its group may go before it.
    seenGroups.add(entry.groupId);
    if (batch.length > 0 && bytes + entry.bytes > SQS_MAX_BATCH_BYTES) continue;
    batch.push(entry);
    bytes += entry.bytes;
  }
  return batch;
};

/**
 * EventPublisher over SQS FIFO queues. Resolves only when every message is queued. Calls are made one
 * after another, each with at most one message per group (see nextBatch), so that messages of one
 * group keep their order; resent entries keep their deduplication id, so a resend of an entry SQS did
 * take is dropped as a duplicate. When it gives up, the QueuePublishError lists by deduplication id
 * which messages are queued, which may be (their call threw) and which are not, so a caller can
 * undo only what is certainly not on the queue.
 */
export class SqsEventPublisher implements EventPublisher {
  private readonly resendRounds: number;
  private readonly resendDelayMs: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Partial<Record<QueueRole, string | undefined>>,
    options: SqsEventPublisherOptions = {},
  ) {
    this.resendRounds = options.resendRounds ?? 3;
    this.resendDelayMs = options.resendDelayMs ?? 50;
  }

  async publish(queue: QueueRole, messages: readonly QueueMessage[]): Promise<void> {
    const queueUrl = this.queueUrls[queue];
    if (!queueUrl) throw new QueueNotConfiguredError(queue);
    if (messages.length === 0) return;

    const entries: Entry[] = messages.map((message, index) => {
      const body = asciiJson(message.body);
      return { id: `m${index}`, message: { ...message, body }, groupId: message.groupId, bytes: body.length };
    });
    let pending = entries;
    const queued: Entry[] = [];
    while (pending.length > 0) {
      const chunk = nextBatch(pending);
      const outcome = await this.sendChunk(queueUrl, chunk);
      if (outcome.kind !== 'queued') {
        // Later chunks are not sent: the caller fails and is retried, and deduplication ids make the retry safe.
        const known = new Set([...queued, ...outcome.queued, ...outcome.ambiguous]);
        throw new QueuePublishError(
          queue,
          {
            queued: [...queued, ...outcome.queued].map(deduplicationIdOf),
            ambiguous: outcome.ambiguous.map(deduplicationIdOf),
            notQueued: entries.filter((entry) => !known.has(entry)).map(deduplicationIdOf),
          },
          outcome.detail,
          { retryable: outcome.kind === 'failed', cause: outcome.cause },
        );
      }
      queued.push(...chunk);
      const sent = new Set(chunk);
      pending = pending.filter((entry) => !sent.has(entry));
    }
  }

  /**
   * Sends one chunk, resending the entries a partial response reported failed. On failure it says
   * which entries SQS confirmed and which are ambiguous: those of a call that threw (the request may
   * have reached SQS and only the answer been lost). Entries SQS reported failed are not queued.
   */
  private async sendChunk(queueUrl: string, chunk: Entry[]): Promise<ChunkOutcome> {
    let pending = chunk;
    let detail = '';
    const confirmed = () => chunk.filter((entry) => !pending.includes(entry));
    for (let round = 0; round <= this.resendRounds; round += 1) {
      if (round > 0) await sleep(this.resendDelayMs * 2 ** (round - 1));
      let failed: BatchFailure[];
      try {
        failed = await this.sendBatch(queueUrl, pending);
      } catch (error) {
        if (refusedOutright(error)) return { kind: 'failed', queued: confirmed(), ambiguous: [], detail: 'SendMessageBatch refused', cause: error };
        return { kind: 'failed', queued: confirmed(), ambiguous: pending, detail: 'SendMessageBatch failed', cause: error };
      }
      if (failed.length === 0) return { kind: 'queued' };

      const failedIds = new Set(failed.map((failure) => failure.id));
      pending = pending.filter((entry) => failedIds.has(entry.id));
      detail = describe(failed);
      // A sender fault (e.g. an invalid body) will not succeed on a resend.
      if (failed.some((failure) => failure.senderFault)) {
        return { kind: 'rejected', queued: confirmed(), ambiguous: [], detail };
      }
    }
    return { kind: 'failed', queued: confirmed(), ambiguous: [], detail };
  }

  private async sendBatch(queueUrl: string, entries: Entry[]): Promise<BatchFailure[]> {
    const request: SendMessageBatchRequestEntry[] = entries.map(({ id, message }) => ({
      Id: id,
      MessageBody: message.body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    }));
    const response = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: request }));
    return (response.Failed ?? []).map((failure) => ({
      id: failure.Id ?? '',
      senderFault: failure.SenderFault === true,
      code: failure.Code ?? 'Unknown',
    }));
  }
}

type ChunkOutcome =
  | { kind: 'queued' }
  /** queued: confirmed by SQS; ambiguous: sent in a call that threw; the rest of the chunk was reported failed. */
  | { kind: 'failed' | 'rejected'; queued: Entry[]; ambiguous: Entry[]; detail: string; cause?: unknown };

interface BatchFailure {
  id: string;
  senderFault: boolean;
  code: string;
}

/**
 * A call SQS answered with a 4xx at its first and only attempt (no such queue, access denied,
 * throttled) queued none of its entries. Anything else that throws leaves them ambiguous: a timeout or
 * a reset connection after the request was written, a 5xx, or a refusal after SDK retries whose
 * earlier attempts may have gone through.
 */
const refusedOutright = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return false;
  const metadata = error.$metadata as { httpStatusCode?: number; attempts?: number } | undefined;
  const status = metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && (metadata?.attempts ?? 1) <= 1;
};

const deduplicationIdOf = (entry: Entry): string => entry.message.deduplicationId;

const describe = (failures: BatchFailure[]): string => [...new Set(failures.map((failure) => failure.code))].join(', ');
