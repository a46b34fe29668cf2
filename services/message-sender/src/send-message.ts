import type { OutboundMessageEventV1, SendResultEventV1 } from '@wagw/contracts';
import { isGatewayError } from '@wagw/core/errors';
import type { Logger } from '@wagw/runtime/logger';
import { ChannelSession } from './channel-session';
import { ProviderRetryableError } from './errors';
import type { MessageSenderDependencies } from './message-sender-dependencies';
import type { SendEnding } from './send-ending';
import { endingOfSend, failed, sendResultEvent, sendResultMessage } from './send-ending';
import { uploadS3Media } from './upload-s3-media';

const LEASE_EXPIRED = { outcome: 'lease-expired' } as const;

/**
 * Whether a send started now surely ends before the row's lease does: now + send timeout + a margin
 * of one more send timeout ≤ leaseExpiresAt. After the lease the collector's reaper may give the row
 * to a new attempt, so a send that could still be running then is not started at all.
 */
const leaseLeavesTimeToSend = ({ clock, settings }: MessageSenderDependencies, event: OutboundMessageEventV1): boolean =>
  clock.now().getTime() + 2 * settings.sendTimeoutMs <= Date.parse(event.leaseExpiresAt);

/** Meta echoes it in the status webhooks of this message: a way to reconcile an ambiguous send. */
const callbackDataOf = (event: OutboundMessageEventV1): string => `outbound:${event.rowId}:${event.attempt}`;

const attemptSend = async (deps: MessageSenderDependencies, event: OutboundMessageEventV1): Promise<SendEnding> => {
  if (!leaseLeavesTimeToSend(deps, event)) return LEASE_EXPIRED;
  const { provider, channelId, tenantId } = event;
  try {
    const owner = await deps.credentials.resolveChannel(provider, channelId);
    if (owner.tenantId !== tenantId) return failed('CHANNEL_NOT_OWNED', `${provider} channel ${channelId} does not belong to tenant ${tenantId}`);

    const session = await ChannelSession.open(deps.credentials, provider, channelId);
    const prepared = await uploadS3Media(deps, event, session);
    if (prepared.outcome !== 'ready') return prepared;

    const messaging = deps.providers[provider];
    // The lease is checked again right before each send call: uploads or a token refresh took time.
    const answer = await session.call((channel) =>
      leaseLeavesTimeToSend(deps, event)
        ? messaging.send(channel, event.toId, prepared.message, { callbackData: callbackDataOf(event) })
        : Promise.resolve(LEASE_EXPIRED),
    );
    return endingOfSend(answer);
  } catch (error) {
    // A permanent answer of the broker (channel unknown, broken record) is this row's outcome.
    if (isGatewayError(error) && !error.retryable) return failed(error.code, error.message);
    throw error;
  }
};

type Fields = Record<string, unknown>;

const logEnding = (logger: Logger, fields: Fields, ending: SendEnding, leaseExpiresAt: string): void => {
  switch (ending.outcome) {
    case 'sent':
      logger.info({ ...fields, outcome: 'sent', providerMessageId: ending.providerMessageId }, 'message sent');
      return;
    case 'failed':
      logger.warn({ ...fields, outcome: 'failed', code: ending.code, traceId: ending.traceId }, 'message failed; not retried');
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
 * Sends one leased outbound row through its tenant's provider and publishes the send result to
 * status-events; see the README for every outcome. Throws (so the record is retried with backoff)
 * only for retryable failures: provider rate limits and 5xx, the broker or bucket unreachable, the
 * result not published.
 */
export const sendMessage = async (deps: MessageSenderDependencies, event: OutboundMessageEventV1, logger: Logger): Promise<void> => {
  const fields: Fields = {
    tenantId: event.tenantId,
    rowId: event.rowId,
    attempt: event.attempt,
    provider: event.provider,
    channelId: event.channelId,
  };

  const held = deps.held.find(event);
  if (held !== undefined) {
    // The provider already answered this attempt on an earlier delivery; only the publish was missing.
    await publish(deps, held);
    deps.held.release(event);
    logger.info({ ...fields, outcome: held.outcome.status, held: true }, 'held send result published');
    return;
  }

  let ending: SendEnding;
  try {
    ending = await attemptSend(deps, event);
  } catch (error) {
    if (error instanceof ProviderRetryableError) {
      logger.warn(
        { ...fields, outcome: 'retry', code: error.providerCode, traceId: error.traceId, minDelaySeconds: error.minDelaySeconds },
        'provider asked to retry later',
      );
    }
    throw error;
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
