import { randomUUID } from 'node:crypto';
import type { ProviderCallResult } from '@wagw/core/ports';
import { describeProviderError, isObject, optionalString, permanent, retryClassForStatus, unexpectedSuccess } from './call-results';

export type WhapiAnswerKind = { kind: 'message' } | { kind: 'reaction'; targetId: string } | { kind: 'media' };

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

const nonEmpty = (value: unknown): string | undefined => {
  const text = optionalString(value);
  return text === '' ? undefined : text;
};

/**
 * A reaction answers `{success:true}` without an id of its own. The row still needs a provider message
 * id; a fresh one per send keeps two reactions to the same message apart in wa_status_events.
 */
const reactionId = (targetId: string): string => `reaction:${targetId}:${randomUUID()}`;

const accepted = (status: number, body: unknown, answer: WhapiAnswerKind): ProviderCallResult => {
  const object = isObject(body) ? body : {};
  switch (answer.kind) {
    case 'message': {
      const id = isObject(object.message) ? nonEmpty(object.message.id) : undefined;
      if (object.sent === true && id !== undefined) return { outcome: 'accepted', providerMessageId: id };
      if (object.sent === false) return permanent('WHAPI_NOT_SENT', `WHAPI_NOT_SENT: Whapi answered HTTP ${status} with sent: false`);
      return unexpectedSuccess('Whapi', status);
    }
    case 'reaction': {
      if (object.success === false) return permanent('WHAPI_NOT_SENT', `WHAPI_NOT_SENT: Whapi answered HTTP ${status} with success: false`);
      const id = isObject(object.message) ? nonEmpty(object.message.id) : undefined;
      return { outcome: 'accepted', providerMessageId: id ?? reactionId(answer.targetId) };
    }
    case 'media': {
      const first = Array.isArray(object.media) ? (object.media[0] as unknown) : undefined;
      const id = isObject(first) ? nonEmpty(first.id) : undefined;
      if (id !== undefined) return { outcome: 'accepted', providerMessageId: id };
      return { outcome: 'rejected', code: 'UPLOAD_ANSWER_INVALID', message: `Whapi answered HTTP ${status} to an upload without a media id`, retry: 'retryable' };
    }
  }
};

/**
 * A Whapi answer → the call's result. Whapi's error envelope `{error:{code, message, details}}` has
 * no code table of its own, so the HTTP status decides: 429 and 5xx retryable, 401 the token,
 * any other 4xx permanent.
 */
export const classifyWhapiAnswer = (status: number, body: unknown, answer: WhapiAnswerKind, secret: string): ProviderCallResult => {
  if (isSuccess(status)) return accepted(status, body, answer);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const providerCode = error !== undefined && (typeof error.code === 'number' || typeof error.code === 'string') ? String(error.code) : undefined;
  const code = providerCode ?? `HTTP_${status}`;
  const message =
    error === undefined
      ? `${code}: Whapi answered HTTP ${status} without an error body`
      : describeProviderError(code, optionalString(error.message), optionalString(error.details), secret);
  return { outcome: 'rejected', code, message, retry: retryClassForStatus(status) };
};
