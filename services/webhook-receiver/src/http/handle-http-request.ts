import { META_SIGNATURE_HEADER } from '@wagw/providers/meta/signature';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { receiveMetaWebhook } from '../receive-meta-webhook';
import { receiveWhapiWebhook } from '../receive-whapi-webhook';
import type { ReceiverContext, ReceiverDeps } from '../receiver-deps';
import { verifyMetaSubscription } from '../verify-meta-subscription';
import type { WebhookOutcome } from '../webhook-outcome';
import { errorToResponse } from './error-to-response';
import { queryParameter, requestBody, requestHeader } from './http-request';
import type { HttpResponse } from './http-response';
import { errorResponse, jsonResponse, textResponse } from './http-response';
import { matchRoute } from './routes';

const accepted = (deps: ReceiverDeps, outcome: WebhookOutcome): HttpResponse => {
  deps.logger.info(outcome, 'webhook accepted');
  return jsonResponse(200, { status: 'ok', ...outcome });
};

const dispatch = async (context: ReceiverContext, deps: ReceiverDeps, event: APIGatewayProxyEventV2, method: string, path: string): Promise<HttpResponse> => {
  const route = matchRoute(method, path);
  switch (route.kind) {
    case 'health':
      return jsonResponse(200, { status: 'ok' });
    case 'meta-subscription': {
      const challenge = await verifyMetaSubscription(deps, {
        mode: queryParameter(event, 'hub.mode'),
        verifyToken: queryParameter(event, 'hub.verify_token'),
        challenge: queryParameter(event, 'hub.challenge'),
      });
      return textResponse(200, challenge);
    }
    case 'meta-webhook':
      return accepted(
        deps,
        await receiveMetaWebhook(deps, {
          body: requestBody(event, context.limits.maxBodyBytes),
          signature: requestHeader(event, META_SIGNATURE_HEADER),
        }),
      );
    case 'whapi-webhook':
      return accepted(
        deps,
        await receiveWhapiWebhook(deps, {
          channelId: route.channelId,
          body: requestBody(event, context.limits.maxBodyBytes),
          presentedSecret: requestHeader(event, 'x-gateway-secret'),
        }),
      );
    case 'method-not-allowed':
      return errorResponse(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`, { allow: route.allow });
    case 'not-found':
      return errorResponse(404, 'NOT_FOUND', 'no such route');
  }
};

/**
 * The HTTP function: one API Gateway HTTP API (v2) request in, one response out. Never throws: every
 * failure becomes a JSON error answer.
 */
export const handleHttpRequest = async (context: ReceiverContext, event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
  const method = (event.requestContext?.http?.method ?? '').toUpperCase();
  const path = event.rawPath ?? '';
  const logger = context.logger.child({ requestId: event.requestContext?.requestId, method, path });
  const deps: ReceiverDeps = { ...context, logger };
  try {
    return await dispatch(context, deps, event, method, path);
  } catch (error) {
    return errorToResponse(error, logger);
  }
};
