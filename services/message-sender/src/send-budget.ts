import { NotStartedError } from './errors';
import type { SendSettings } from './message-sender-dependencies';

/** Time kept for publishing the send result (and a few ChangeMessageVisibility calls) after the last send. */
export const PUBLISH_MARGIN_MS = 2_000;

/** What a record needs from its delivery: which one it is, and how long the invocation still runs. */
export interface Delivery {
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** Milliseconds until the Lambda invocation times out; Infinity without a deadline. */
  remainingTimeMs(): number;
}

/** A delivery without a deadline (no Lambda context), e.g. a direct call. */
export const FIRST_DELIVERY_WITHOUT_DEADLINE: Delivery = { receiveCount: 1, remainingTimeMs: () => Number.POSITIVE_INFINITY };

/** What is about to start: an upload (then the send), or the send itself. */
export type Step = 'upload' | 'send';

/** The most a step and what must be able to follow it take: the upload (if it is one), two sends (the send and its one retry after a token refresh), the publish. */
export const stepBudgetMs = (settings: SendSettings, step: Step): number =>
  (step === 'upload' ? settings.uploadTimeoutMs : 0) + 2 * settings.sendTimeoutMs + PUBLISH_MARGIN_MS;

/**
 * Throws NotStartedError unless the invocation still has `needed` ms. Every provider call ends within
 * its timeout, so a record that passes this check before each step never runs into the Lambda
 * timeout, which would fail the whole batch (records already sent included, so they would be sent
 * again). A later step that finds too little time left throws too: the record comes back, having
 * sent nothing (an upload done before only leaves an unused media id).
 */
export const requireTime = (delivery: Delivery, neededMs: number): void => {
  const remainingMs = delivery.remainingTimeMs();
  if (remainingMs < neededMs) throw new NotStartedError(remainingMs, neededMs);
};

export const requireTimeFor = (settings: SendSettings, delivery: Delivery, step: Step): void => requireTime(delivery, stepBudgetMs(settings, step));
