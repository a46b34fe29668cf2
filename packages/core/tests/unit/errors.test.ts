import { ChannelNotFoundError, GatewayError, TenantDatabaseUnavailableError, isRetryable } from '../../src/errors';

describe('errors', () => {
  it('treats unknown exceptions as retryable so they reach the DLQ rather than vanish', () => {
    expect(isRetryable(new Error('driver exploded'))).toBe(true);
  });

  it('carries a code and the retry decision', () => {
    const outage = new TenantDatabaseUnavailableError('acme', new Error('ECONNREFUSED'));
    const unknown = new ChannelNotFoundError('meta', '1');

    expect([outage.code, outage.retryable, isRetryable(outage)]).toEqual(['TENANT_DB_UNAVAILABLE', true, true]);
    expect([unknown.code, unknown.retryable]).toEqual(['CHANNEL_NOT_FOUND', false]);
    expect(unknown).toBeInstanceOf(GatewayError);
  });
});
