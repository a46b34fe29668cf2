import type { OutboundMessageEventV1, SendOutcomeV1, SendResultEventV1 } from '@wagw/contracts';
import type { QueueMessage } from '@wagw/core/ports';
import { conversationGroupId, fifoId } from '@wagw/core/ids';
import type { CallAnswer } from './channel-session';
import { ProviderRetryableError } from './errors';

/** How one attempt ended, before it becomes a send result (or, for lease-expired, nothing at all). */
export type SendEnding =
  | { outcome: 'sent'; providerMessageId: string; messageStatus?: string }
  | { outcome: 'failed'; code: string; message: string; traceId?: string; logFields?: Record<string, unknown> }
  | { outcome: 'unknown'; providerCode: string; message: string }
  | { outcome: 'lease-expired' };

export const SEND_OUTCOME_UNKNOWN = 'SEND_OUTCOME_UNKNOWN';

/** Provider texts end up in the tenant's error_message; a queue body has no room for an essay. */
const MAX_MESSAGE_CHARS = 1_000;
const clip = (text: string): string => (text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`);
/** The tenant's error_code column holds 64 characters; a provider may answer with a longer code. */
const MAX_CODE_CHARS = 64;
const clipCode = (code: string): string => code.slice(0, MAX_CODE_CHARS);

export type FailedEnding = Extract<SendEnding, { outcome: 'failed' }>;

export const failed = (code: string, message: string, traceId?: string): FailedEnding =>
  traceId === undefined ? { outcome: 'failed', code, message } : { outcome: 'failed', code, message, traceId };

/**
 * A send call's answer as an ending (reference §C3): accepted → sent; permanent, or a token still
 * expired after the one refresh → failed with the provider's code; no answer → unknown (never resent);
 * retryable → thrown, so the record is retried with backoff.
 */
export const endingOfSend = (answer: CallAnswer): SendEnding => {
  switch (answer.outcome) {
    case 'lease-expired':
      return answer;
    case 'accepted':
      return answer.messageStatus === undefined
        ? { outcome: 'sent', providerMessageId: answer.providerMessageId }
        : { outcome: 'sent', providerMessageId: answer.providerMessageId, messageStatus: answer.messageStatus };
    case 'unknown':
      return { outcome: 'unknown', providerCode: answer.code, message: answer.message };
    case 'rejected':
      if (answer.retry === 'retryable') throw new ProviderRetryableError(answer.code, answer.message, answer.minDelaySeconds, answer.traceId);
      return failed(answer.code, answer.message, answer.traceId);
  }
};

const outcomeOf = (ending: Exclude<SendEnding, { outcome: 'lease-expired' }>, at: string, provider: string): SendOutcomeV1 => {
  switch (ending.outcome) {
    case 'sent':
      return ending.messageStatus === undefined
        ? { status: 'sent', providerMessageId: ending.providerMessageId, acceptedAt: at }
        : { status: 'sent', providerMessageId: ending.providerMessageId, acceptedAt: at, messageStatus: ending.messageStatus };
    case 'failed':
      return { status: 'failed', code: clipCode(ending.code), message: clip(ending.message), failedAt: at };
    case 'unknown':
      return {
        status: 'unknown',
        code: SEND_OUTCOME_UNKNOWN,
        message: clip(
          `${ending.providerCode === SEND_OUTCOME_UNKNOWN ? '' : `${ending.providerCode}: `}${ending.message} ` +
            `(no answer from ${provider}; the message may have been delivered, so the gateway does not resend it)`,
        ),
        at,
      };
  }
};

/** The send-result.v1 event of an ending, stamped `at` (ISO). */
export const sendResultEvent = (
  event: OutboundMessageEventV1,
  ending: Exclude<SendEnding, { outcome: 'lease-expired' }>,
  at: Date,
): SendResultEventV1 => ({
  schema: 'send-result.v1',
  tenantId: event.tenantId,
  provider: event.provider,
  channelId: event.channelId,
  contactId: event.toId,
  rowId: event.rowId,
  attempt: event.attempt,
  outcome: outcomeOf(ending, at.toISOString(), event.provider),
});

/** status-events.fifo message: the conversation's group, deduplicated per row attempt. */
export const sendResultMessage = (result: SendResultEventV1): QueueMessage => ({
  body: JSON.stringify(result),
  groupId: conversationGroupId(result.tenantId, result.channelId, result.contactId),
  deduplicationId: fifoId('send-result', result.tenantId, result.rowId, String(result.attempt)),
});
