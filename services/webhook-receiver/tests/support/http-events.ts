import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { metaSignatureHeader } from '@wagw/providers/meta/signature';

export interface RequestOptions {
  method: string;
  path: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** An API Gateway HTTP API (payload 2.0) event as the `$default` route delivers it. */
export const httpEvent = (options: RequestOptions): APIGatewayProxyEventV2 => {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'gateway.example.invalid',
      domainPrefix: 'gateway',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '09/Oct/2025:09:00:00 +0000',
      timeEpoch: 1760000400000,
    },
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  if (options.query !== undefined) event.queryStringParameters = options.query;
  if (options.body !== undefined) event.body = options.body;
  return event;
};

/** A Meta POST signed with `secret` over exactly these bytes. */
export const signedMetaPost = (rawBody: string, secret: string, options: { base64?: boolean } = {}): APIGatewayProxyEventV2 =>
  httpEvent({
    method: 'POST',
    path: '/webhooks/meta',
    body: options.base64 === true ? Buffer.from(rawBody, 'utf8').toString('base64') : rawBody,
    isBase64Encoded: options.base64 === true,
    headers: { 'x-hub-signature-256': metaSignatureHeader(rawBody, secret) },
  });

export const whapiPost = (channelId: string, rawBody: string, secret: string | undefined): APIGatewayProxyEventV2 =>
  httpEvent({
    method: 'POST',
    path: `/webhooks/whapi/${channelId}`,
    body: rawBody,
    headers: secret === undefined ? {} : { 'x-gateway-secret': secret },
  });

export const responseJson = (response: { body?: string }): Record<string, unknown> =>
  JSON.parse(response.body ?? 'null') as Record<string, unknown>;
