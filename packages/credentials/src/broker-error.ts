import type { BrokerErrorV1, BrokerRequestV1 } from '@wagw/contracts';
import {
  ChannelNotFoundError,
  CredentialsUnavailableError,
  GatewayError,
  SecretRecordInvalidError,
  TenantNotFoundError,
} from '@wagw/core/errors';

const fieldOf = (request: BrokerRequestV1, field: 'provider' | 'channelId' | 'tenantId'): string =>
  field in request ? String((request as Record<string, unknown>)[field]) : '';

const construct = (error: BrokerErrorV1, request: BrokerRequestV1): GatewayError => {
  switch (error.code) {
    case 'CHANNEL_NOT_FOUND':
      return new ChannelNotFoundError(fieldOf(request, 'provider'), fieldOf(request, 'channelId'));
    case 'TENANT_NOT_FOUND':
      return new TenantNotFoundError(fieldOf(request, 'tenantId'));
    case 'SECRET_RECORD_INVALID':
      return new SecretRecordInvalidError('', '');
    case 'CREDENTIALS_UNAVAILABLE':
      return new CredentialsUnavailableError(error.message);
    default:
      return new GatewayError(error.code, error.message, { retryable: error.retryable });
  }
};

/**
 * The broker's error answer as the matching GatewayError subclass (so callers can branch with
 * `instanceof`), keeping the broker's code, message and retryable flag; unknown codes become a plain
 * GatewayError.
 */
export const brokerErrorToGatewayError = (error: BrokerErrorV1, request: BrokerRequestV1): GatewayError => {
  const gatewayError = construct(error, request);
  gatewayError.message = error.message;
  if (gatewayError.retryable !== error.retryable) {
    Object.defineProperty(gatewayError, 'retryable', { value: error.retryable, enumerable: true });
  }
  return gatewayError;
};
