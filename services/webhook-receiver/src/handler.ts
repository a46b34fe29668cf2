import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { getDependencies } from './dependencies';
import { handleHttpRequest } from './http/handle-http-request';

/** Lambda entry of the webhook HTTP function (API Gateway HTTP API, payload format 2.0). */
export const handler = (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
  handleHttpRequest(getDependencies(), event);
