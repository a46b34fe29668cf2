import type { OutboundMessageEventV1, SendResultEventV1 } from '@wagw/contracts';
import { isGatewayError } from '@wagw/core/errors';
import type { Logger } from '@wagw/runtime/logger';
import { brokerRefusal } from './broker-refusal';
import { ChannelSession } from './channel-session';
import { NotStartedError, ProviderRetryableError } from './errors';
import type { MessageSenderDependencies } from './message-sender-dependencies';
import { s3MediaOf } from './s3-media';
import type { Delivery } from './send-budget';
import { FIRST_DELIVERY_WITHOUT_DEADLINE, PUBLISH_MARGIN_MS, requireTime, requireTimeFor } from './send-budget';
import type { SendEnding } from './send-ending';
import { endingOfSend, failed, sendResultEvent, sendResultMessage } from './send-ending';
import { uploadS3Media } from './upload-s3-media';

const LEASE_EXPIRED = { outcome: 'lease-expired' } as const;

export const SEND_RETRIES_EXHAUSTED = 'SEND_RETRIES_EXHAUSTED';

type Fields = Record<string, unknown>;

/**
 * Whether a send started now surely ends before the row's lease does: now + send timeout + a margin
 * of one more send timeout ≤ leaseExpiresAt. After the lease the collector's reaper may give the row
 * to a new attempt, so a send that could still be running then is not started at all.
 */
const leaseLeavesTimeToSend = ({ clock, settings }: MessageSenderDependencies, event: OutboundMessageEventV1): boolean =>
  clock.now().getTime() + 2 * settings.sendTimeoutMs <= Date.parse(event.leaseExpiresAt);

/**
 * Whether a retry after the provider's minimum delay could still be sent within the lease. If not,
 * the failure is recorded now (SEND_RETRIES_EXHAUSTED) instead of leaving the row 'queued' for the
 * reaper, which would only resend it after lease + grace and out of its conversation's order.
 */
const leaseLeavesTimeToRetry = ({ clock, settings }: MessageSenderDependencies, event: OutboundMessageEventV1, error: ProviderRetryableError): boolean =>
  clock.now().getTime() + Math.max(1, error.minDelaySeconds) * 1000 + 2 * settings.sendTimeoutMs <= Date.parse(event.leaseExpiresAt);

/** Meta echoes it in the status webhooks of this message: a way to reconcile an ambiguous send. */
const callbackDataOf = (event: OutboundMessageEventV1): string => `outbound:${event.rowId}:${event.attempt}`;

const attemptSend = async (
  deps: MessageSenderDependencies,
  event: OutboundMessageEventV1,
  delivery: Delivery,
  logger: Logger,
  fields: Fields,
): Promise<SendEnding> => {
  if (!leaseLeavesTimeToSend(deps, event)) return LEASE_EXPIRED;
  requireTimeFor(deps.settings, delivery, s3MediaOf(event.message).length > 0 ? 'upload' : 'send');
  const { provider, channelId, tenantId } = event;
  try {
    const owner = await deps.credentials.resolveChannel(provider, channelId);
    if (owner.tenantId !== tenantId) return failed('CHANNEL_NOT_OWNED', `${provider} channel ${channelId} does not belong to tenant ${tenantId}`);

    const session = await ChannelSession.open(deps.credentials, provider, channelId);
    const prepared = await uploadS3Media(deps, event, session, delivery);
    if (prepared.outcome !== 'ready') return prepared;

    const messaging = deps.providers[provider];
    // Lease and invocation time are checked again right before each send call: uploads or a token refresh took time.
    const answer = await session.call((channel) => {
      if (!leaseLeavesTimeToSend(deps, event)) return Promise.resolve(LEASE_EXPIRED);
      requireTimeFor(deps.settings, delivery, 'send');
      return messaging.send(channel, event.toId, prepared.message, { callbackData: callbackDataOf(event) });
    });
    return endingOfSend(answer);
  } catch (error) {
    // A permanent answer of the credentials broker (the only non-retryable GatewayError thrown here: the
    // channel is unknown, its record broken) is this row's outcome, in a fixed text: the broker's own
    // message may name other tenants or secret records, so it goes to the operator's log only.
    if (isGatewayError(error) && !error.retryable) {
      logger.error({ ...fields, code: error.code, err: error }, 'the credentials broker refused the channel');
      return brokerRefusal(error.code, provider, channelId);
    }
    throw error;
  }
};

const logEnding = (logger: Logger, fields: Fields, ending: SendEnding, leaseExpiresAt: string): void => {
  switch (ending.outcome) {
    case 'sent':
      logger.info({ ...fields, outcome: 'sent', providerMessageId: ending.providerMessageId }, 'message sent');
      return;
    case 'failed':
      logger.warn({ ...fields, outcome: 'failed', code: ending.code, traceId: ending.traceId, ...ending.logFields }, 'message failed; not retried');
      return;
    case 'unknown':
      logger.error(
        { ...fields, outcome: 'unknown', code: 'SEND_OUTCOME_UNKNOWN', providerCode: ending.providerCode },
        'no answer after the request was sent; recorded as failed (SEND_OUTCOME_UNKNOWN), never resent',
      );
      return;
    case 'lease-expired':
      logger.warn({ ...fields, outcome: 'lease-expired', leaseExpiresAt }, 'not sent: the lease leaves too little time; the reaper requeues the row');
  }
};

const publish = (deps: MessageSenderDependencies, result: SendResultEventV1): Promise<void> =>
  deps.results.publish('status-events', [sendResultMessage(result)]);

/**
 * A retryable provider failure on the last delivery the gateway retries: recorded as failed with the
 * provider's code and message, so the row shows why at once instead of waiting for the reaper.
 */
const retriesExhausted = (error: ProviderRetryableError, receiveCount: number): SendEnding => ({
  ...failed(SEND_RETRIES_EXHAUSTED, `${error.describeProviderFailure()} (still failing on delivery ${receiveCount}; not retried again)`, error.traceId),
  logFields: { providerCode: error.providerCode },
});

/**
 * Sends one leased outbound row through its tenant's provider and publishes the send result to
 * status-events; see the README for every outcome. Throws (so the record is retried with backoff)
 * only for retryable failures: provider rate limits and 5xx (until SEND_MAX_RECEIVES deliveries), the
 * broker or bucket unreachable, the result not published, too little time left in the invocation.
 */
export const sendMessage = async (
  deps: MessageSenderDependencies,
  event: OutboundMessageEventV1,
  logger: Logger,
  delivery: Delivery = FIRST_DELIVERY_WITHOUT_DEADLINE,
): Promise<void> => {
  const fields: Fields = {
    tenantId: event.tenantId,
    rowId: event.rowId,
    attempt: event.attempt,
    provider: event.provider,
    channelId: event.channelId,
  };

  let ending: SendEnding;
  try {
    const held = deps.held.find(event);
    if (held !== undefined) {
      // The provider already answered this attempt on an earlier delivery; only the publish was missing.
      requireTime(delivery, PUBLISH_MARGIN_MS);
      await publish(deps, held);
      deps.held.release(event);
      logger.info({ ...fields, outcome: held.outcome.status, held: true }, 'held send result published');
      return;
    }
    ending = await attemptSend(deps, event, delivery, logger, fields);
  } catch (error) {
    if (error instanceof ProviderRetryableError && (delivery.receiveCount >= deps.settings.maxReceives || !leaseLeavesTimeToRetry(deps, event, error))) {
      ending = retriesExhausted(error, delivery.receiveCount);
    } else {
      logThrown(logger, fields, error);
      throw error;
    }
  }

  logEnding(logger, fields, ending, event.leaseExpiresAt);
  if (ending.outcome === 'lease-expired') return;
  const result = sendResultEvent(event, ending, deps.clock.now());
  try {
    await publish(deps, result);
  } catch (error) {
    deps.held.hold(result);
    throw error;
  }
};

const logThrown = (logger: Logger, fields: Fields, error: unknown): void => {
  if (error instanceof ProviderRetryableError) {
    logger.warn(
      { ...fields, outcome: 'retry', code: error.providerCode, traceId: error.traceId, minDelaySeconds: error.minDelaySeconds },
      'provider asked to retry later',
    );
  } else if (error instanceof NotStartedError) {
    logger.warn(
      { ...fields, outcome: 'not-started', code: error.code, remainingMs: error.remainingMs, neededMs: error.neededMs },
      'not started: too little time left in this invocation; the record comes back',
    );
  }
};
