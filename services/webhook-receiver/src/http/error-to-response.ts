import { isGatewayError } from '@wagw/core/errors';
import type { Logger } from '@wagw/runtime/logger';
import type { HttpResponse } from './http-response';
import { errorResponse } from './http-response';

/** Refusals the caller can act on: the error's own message is meant for them. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  SIGNATURE_INVALID: 401,
  WEBHOOK_MALFORMED: 400,
  CHANNEL_APP_MISMATCH: 403,
  CHANNEL_MISMATCH: 403,
  VERIFICATION_FAILED: 403,
  BODY_TOO_LARGE: 413,
};

/**
 * The answer for a failed request. Retryable failures (archive, queue, broker unavailable) give 503 so
 * the provider delivers again; anything unexpected gives 500 with a generic message. The details go to
 * the log only.
 */
export const errorToResponse = (error: unknown, logger: Logger): HttpResponse => {
  if (isGatewayError(error)) {
    const status = CLIENT_ERROR_STATUS[error.code];
    if (status !== undefined) {
      logger.warn({ code: error.code, status, reason: error.message }, 'webhook refused');
      return errorResponse(status, error.code, error.message);
    }
    if (error.retryable) {
      logger.error({ err: error, code: error.code }, 'webhook not stored: the provider will retry');
      return errorResponse(503, error.code, 'the webhook could not be stored now; deliver it again later', { 'retry-after': '1' });
    }
  }
  logger.error({ err: error }, 'webhook failed unexpectedly');
  return errorResponse(500, 'INTERNAL_ERROR', 'internal error');
};
