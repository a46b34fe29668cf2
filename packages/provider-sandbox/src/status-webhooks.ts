import { createCancellableWait } from './cancellable-wait';
import { ConcurrencyLimit } from './concurrency-limit';
import { recipientKey } from './fault-table';
import { graphErrorTitle } from './graph-errors';
import type { SandboxSentMessage } from './sandbox-records';
import type { RandomSource } from './seeded-random';
import { shuffled } from './seeded-random';
import { metaSignature, metaStatusBody, whapiStatusBody } from './status-webhook-payloads';
import type { AsyncFailure, MetaBusinessNumber, SandboxReceiptStatus, StatusStep } from './status-webhook-payloads';

export type SandboxDeliveryStatus = 'sent' | 'delivered' | 'read';

/** Accepted messages that later fail on the provider's side: 'sent', then 'failed' with this code. */
export interface StatusWebhookFailureSetting {
  /** e.g. 131026 (undeliverable) or 131047 (re-engagement). */
  code: number;
  /** Share of accepted messages that fail (0..1, seeded); every one when absent. */
  probability?: number;
  /** Only messages to this recipient. */
  to?: string;
}

/** A status webhook given up on (after every attempt), or one that could not be built. */
export interface StatusWebhookError {
  provider: SandboxSentMessage['provider'];
  channelId: string;
  providerMessageId: string;
  status: SandboxReceiptStatus;
  /** Undefined when no request was made (e.g. no secret for the channel). */
  url: string | undefined;
  attempts: number;
  reason: string;
}

export interface StatusWebhookSettings {
  /** The gateway's HTTP API base, e.g. http://127.0.0.1:3000 (`/webhooks/meta`, `/webhooks/whapi/{channelId}` are appended). */
  receiverUrl: string;
  /** The Meta app secret that signs webhooks for this phone_number_id. */
  metaAppSecretFor(channelId: string): string | undefined;
  /** The X-Gateway-Secret of this Whapi channel. */
  whapiWebhookSecretFor(channelId: string): string | undefined;
  /** Steps posted for each accepted message, in this order unless shuffled; default sent, delivered, read. */
  sequence?: readonly SandboxDeliveryStatus[];
  /** Wait before each step (ms); default 50. */
  delaysMs?: number;
  /** Post each message's steps in a random (seeded) order; timestamps still tell the real order. */
  shuffle?: boolean;
  /** Chance (0..1, seeded) that a step is posted twice. */
  duplicateProbability?: number;
  failWith?: StatusWebhookFailureSetting;
  /** WABA id and display number put in Meta's entry; defaults are the fixtures' fake ones. */
  metaBusinessNumberFor?(channelId: string): Partial<MetaBusinessNumber> | undefined;
  /** Attempts per webhook before giving up; default 5. */
  maxAttempts?: number;
  /** First retry delay (ms), doubling each attempt; default 50. */
  retryDelayMs?: number;
  /** Webhook requests in flight at once, across all messages; default 32 (keeps local mode's API responsive). */
  maxConcurrentRequests?: number;
  /** Told about every webhook given up on; never thrown. */
  onWebhookError?(error: StatusWebhookError): void;
}

const DEFAULT_SEQUENCE: readonly SandboxDeliveryStatus[] = ['sent', 'delivered', 'read'];
const DEFAULT_DELAY_MS = 50;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_RETRY_DELAY_MS = 50;
const DEFAULT_CONCURRENT_REQUESTS = 32;
const REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_BUSINESS: MetaBusinessNumber = { wabaId: '200000000000001', displayPhoneNumber: '15550000001' };

// Captured at load: the webhooks go over Node's own fetch even where a test replaces globalThis.fetch.
const nodeFetch: typeof fetch = globalThis.fetch;

interface Plan {
  steps: StatusStep[];
  failure: AsyncFailure | undefined;
}

type WebhookRequest = { url: string; headers: Record<string, string>; body: Uint8Array } | { reason: string };

/**
 * Posts the receipts a provider would send after a message was accepted: signed Meta `statuses`
 * webhooks or Whapi `statuses` events, per message in sequence (or shuffled, or with duplicates),
 * retrying a refused delivery a few times. Counts what is still to be posted so tests can wait.
 */
export class StatusWebhookDispatcher {
  private settings: StatusWebhookSettings | undefined;
  private pendingCount = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly tasks = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly waits = createCancellableWait();
  private limit: ConcurrencyLimit;
  private closed = false;

  constructor(
    private readonly random: RandomSource,
    settings?: StatusWebhookSettings,
  ) {
    this.settings = settings;
    this.limit = new ConcurrencyLimit(settings?.maxConcurrentRequests ?? DEFAULT_CONCURRENT_REQUESTS);
  }

  /** New settings for messages accepted from now on; undefined stops posting webhooks. */
  configure(settings: StatusWebhookSettings | undefined): void {
    this.settings = settings;
    this.limit = new ConcurrencyLimit(settings?.maxConcurrentRequests ?? DEFAULT_CONCURRENT_REQUESTS);
  }

  /** Webhook posts scheduled and not yet done (delivered or given up). */
  pending(): number {
    return this.pendingCount;
  }

  whenIdle(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  schedule(message: SandboxSentMessage): void {
    const settings = this.settings;
    if (settings === undefined || this.closed) return;
    const plan = this.plan(message, settings);
    if (plan.steps.length === 0) return;
    this.pendingCount += plan.steps.length;
    const task = this.run(message, settings, plan)
      .catch((error: unknown) => {
        // run() handles its own failures; this only keeps a bug from becoming an unhandled rejection.
        const reason = error instanceof Error ? error.message : String(error);
        const { provider, channelId, providerMessageId } = message;
        this.report(settings, { provider, channelId, providerMessageId, status: plan.steps[0]!.status, url: undefined, attempts: 0, reason });
      })
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }

  /** Stops every pending and in-flight delivery; resolves when all have wound down. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.waits.releaseAll();
    await Promise.allSettled([...this.tasks]);
  }

  private plan(message: SandboxSentMessage, settings: StatusWebhookSettings): Plan {
    const failWith = settings.failWith;
    const fails =
      failWith !== undefined &&
      (failWith.to === undefined || recipientKey(failWith.to) === recipientKey(message.to)) &&
      this.random() < (failWith.probability ?? 1);
    const failure = fails ? { code: failWith.code, title: graphErrorTitle(failWith.code) } : undefined;
    const sequence = settings.sequence ?? DEFAULT_SEQUENCE;
    const statuses: SandboxReceiptStatus[] = failure === undefined ? [...sequence] : [...sequence.filter((status) => status === 'sent'), 'failed'];
    const acceptedSecond = Math.floor(message.acceptedAt / 1000);
    const ordered = statuses.map((status, index): StatusStep => ({ status, timestamp: String(acceptedSecond + index) }));
    const duplicateProbability = settings.duplicateProbability ?? 0;
    const withDuplicates = ordered.flatMap((step) => (duplicateProbability > 0 && this.random() < duplicateProbability ? [step, step] : [step]));
    return { steps: settings.shuffle === true ? shuffled(withDuplicates, this.random) : withDuplicates, failure };
  }

  private async run(message: SandboxSentMessage, settings: StatusWebhookSettings, plan: Plan): Promise<void> {
    let remaining = plan.steps.length;
    try {
      for (const step of plan.steps) {
        await this.sleep(settings.delaysMs ?? DEFAULT_DELAY_MS);
        if (this.closed) return;
        await this.deliver(message, settings, step, plan.failure);
        remaining -= 1;
        this.settle(1);
      }
    } finally {
      if (remaining > 0) this.settle(remaining);
    }
  }

  private async deliver(message: SandboxSentMessage, settings: StatusWebhookSettings, step: StatusStep, failure: AsyncFailure | undefined): Promise<void> {
    const failureOf = (url: string | undefined, attempts: number, reason: string): StatusWebhookError => ({
      provider: message.provider,
      channelId: message.channelId,
      providerMessageId: message.providerMessageId,
      status: step.status,
      url,
      attempts,
      reason,
    });
    let request: WebhookRequest;
    try {
      request = this.buildRequest(message, settings, step, failure);
    } catch (error) {
      // The secret lookups are the caller's code (local mode reads its config file).
      request = { reason: `could not build the webhook: ${error instanceof Error ? error.message : String(error)}` };
    }
    if ('reason' in request) return this.report(settings, failureOf(undefined, 0, request.reason));

    const maxAttempts = Math.max(1, settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    let reason = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (this.closed) return;
      try {
        const status = await this.limit.run(() => this.post(request));
        if (status >= 200 && status < 300) return;
        reason = `HTTP ${status}`;
      } catch (error) {
        if (this.closed) return;
        reason = error instanceof Error ? error.message : String(error);
      }
      if (attempt < maxAttempts) await this.sleep((settings.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS) * 2 ** (attempt - 1));
    }
    if (!this.closed) this.report(settings, failureOf(request.url, maxAttempts, reason));
  }

  /** One POST; the answer's status (its body is read and dropped so the connection is reused). */
  private async post(request: { url: string; headers: Record<string, string>; body: Uint8Array }): Promise<number> {
    if (this.closed) return 0;
    const response = await nodeFetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  }

  private buildRequest(message: SandboxSentMessage, settings: StatusWebhookSettings, step: StatusStep, failure: AsyncFailure | undefined): WebhookRequest {
    const base = settings.receiverUrl.replace(/\/+$/, '');
    if (message.provider === 'meta') {
      const secret = settings.metaAppSecretFor(message.channelId);
      if (secret === undefined) return { reason: `no Meta app secret for phone number ${message.channelId}` };
      const business = { ...DEFAULT_BUSINESS, ...settings.metaBusinessNumberFor?.(message.channelId) };
      const body = Buffer.from(metaStatusBody(message, step, business, failure), 'utf8');
      return {
        url: `${base}/webhooks/meta`,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(secret, body), 'user-agent': 'facebookexternalua' },
        body,
      };
    }
    if (message.channelId === '') return { reason: 'the Whapi token is mapped to no channel (option whapiChannels)' };
    const secret = settings.whapiWebhookSecretFor(message.channelId);
    if (secret === undefined) return { reason: `no webhook secret for Whapi channel ${message.channelId}` };
    return {
      url: `${base}/webhooks/whapi/${encodeURIComponent(message.channelId)}`,
      headers: { 'content-type': 'application/json', 'x-gateway-secret': secret },
      body: Buffer.from(whapiStatusBody(message, step, failure), 'utf8'),
    };
  }

  private report(settings: StatusWebhookSettings, error: StatusWebhookError): void {
    try {
      settings.onWebhookError?.(error);
    } catch {
      // A faulty callback must not break the delivery loop of other messages.
    }
  }

  private sleep(ms: number): Promise<void> {
    return this.closed || ms <= 0 ? Promise.resolve() : this.waits.wait(ms);
  }

  private settle(count: number): void {
    this.pendingCount -= count;
    if (this.pendingCount > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
