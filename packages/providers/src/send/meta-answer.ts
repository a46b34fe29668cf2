import type { ProviderCallResult } from '@wagw/core/ports';
import { describeProviderError, isObject, optionalString, retryClassForStatus, unexpectedSuccess } from './call-results';
import type { Rejection } from './call-results';
import { classifyMetaErrorCode } from './meta-error-classes';

/** What a successful answer carries: a message id (send) or a media id (upload). */
export type MetaAnswerKind = 'message' | 'media';

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** "(#131047) Re-engagement message" → "Re-engagement message": the code is said once, in front. */
const withoutCodePrefix = (message: string | undefined): string | undefined => message?.replace(/^\(#\d+\)\s*/, '');

const acceptedMessage = (body: unknown): ProviderCallResult | undefined => {
  const first = isObject(body) && Array.isArray(body.messages) ? (body.messages[0] as unknown) : undefined;
  const id = isObject(first) ? optionalString(first.id) : undefined;
  if (id === undefined || id === '') return undefined;
  const messageStatus = isObject(first) ? optionalString(first.message_status) : undefined;
  return messageStatus === undefined ? { outcome: 'accepted', providerMessageId: id } : { outcome: 'accepted', providerMessageId: id, messageStatus };
};

const acceptedMedia = (body: unknown): ProviderCallResult | undefined => {
  const id = isObject(body) ? optionalString(body.id) : undefined;
  return id === undefined || id === '' ? undefined : { outcome: 'accepted', providerMessageId: id };
};

/** The Graph error envelope `{error:{code, message, error_data:{details}, fbtrace_id}}`, classified by code. */
const graphError = (error: Record<string, unknown>, secret: string): Rejection => {
  const code = error.code as number;
  const details = isObject(error.error_data) ? optionalString(error.error_data.details) : undefined;
  const message = describeProviderError(String(code), withoutCodePrefix(optionalString(error.message)), details, secret);
  const traceId = optionalString(error.fbtrace_id);
  return {
    outcome: 'rejected',
    code: String(code),
    message,
    ...classifyMetaErrorCode(code),
    ...(traceId === undefined ? {} : { traceId }),
  };
};

/**
 * A Graph API answer → the call's result. A Graph error body decides by its code (reference §C3);
 * without one, 429 and 5xx are retryable, 401 means the token, anything else is permanent.
 */
export const classifyMetaAnswer = (status: number, body: unknown, kind: MetaAnswerKind, secret: string): ProviderCallResult => {
  const error = isObject(body) && isObject(body.error) && typeof body.error.code === 'number' ? body.error : undefined;
  if (error !== undefined) return graphError(error, secret);
  if (isSuccess(status)) {
    const accepted = kind === 'message' ? acceptedMessage(body) : acceptedMedia(body);
    if (accepted !== undefined) return accepted;
    if (kind === 'media') return { outcome: 'rejected', code: 'UPLOAD_ANSWER_INVALID', message: `Graph API answered HTTP ${status} to an upload without a media id`, retry: 'retryable' };
    return unexpectedSuccess('Graph API', status);
  }
  return {
    outcome: 'rejected',
    code: `HTTP_${status}`,
    message: `HTTP_${status}: Graph API answered HTTP ${status} without an error body`,
    retry: retryClassForStatus(status),
  };
};
