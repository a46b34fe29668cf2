import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BodyTooLargeError } from '../receiver-errors';

/** The body bytes as the provider sent them: API Gateway may hand them over base64-encoded. */
export const requestBody = (event: APIGatewayProxyEventV2, maxBytes: number): Uint8Array => {
  const text = event.body ?? '';
  // Cheap bound before decoding: base64 takes 4 characters per 3 bytes, UTF-8 at least 1 byte per character.
  const lowerBound = event.isBase64Encoded ? Math.floor((text.length * 3) / 4) - 2 : text.length;
  if (lowerBound > maxBytes) throw new BodyTooLargeError(maxBytes);
  const body = event.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  if (body.byteLength > maxBytes) throw new BodyTooLargeError(maxBytes);
  return body;
};

/** A request header, whatever the case of its name (API Gateway lowercases them; local servers may not). */
export const requestHeader = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
};

/** A query parameter; keys may contain dots (`hub.challenge`). */
export const queryParameter = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const parsed = event.queryStringParameters;
  if (parsed !== undefined && parsed !== null) return parsed[name];
  if (event.rawQueryString) return new URLSearchParams(event.rawQueryString).get(name) ?? undefined;
  return undefined;
};
