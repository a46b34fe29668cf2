import { ConfigError } from '@wagw/core/errors';
import { loadConfig } from '../../src/config';

const REQUIRED = {
  OUTBOUND_MESSAGES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound-messages.fifo',
  CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
  OUTBOUND_COLLECTOR_FUNCTION: 'wagw-outbound-collector',
};

const configError = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('outbound-collector config', () => {
  it('applies the defaults for the optional keys', () => {
    const config = loadConfig(REQUIRED);

    expect(config).toEqual({
      ...REQUIRED,
      COLLECTOR_RUN_SECONDS: 50,
      COLLECTOR_BATCH_SIZE: 100,
      OUTBOUND_LEASE_SECONDS: 600,
      OUTBOUND_MAX_ATTEMPTS: 5,
      OUTBOUND_REAP_GRACE_SECONDS: 3_600,
      COLLECTOR_IDLE_MIN_MS: 100,
      COLLECTOR_IDLE_MAX_MS: 2_000,
      TENANT_DB_IDLE_SECONDS: 300,
      LOG_LEVEL: 'info',
      AWS_REGION: 'us-east-1',
    });
  });

  it('reads numbers and the local endpoints', () => {
    const config = loadConfig({
      ...REQUIRED,
      COLLECTOR_RUN_SECONDS: '20',
      COLLECTOR_BATCH_SIZE: '25',
      OUTBOUND_LEASE_SECONDS: '120',
      OUTBOUND_MAX_ATTEMPTS: '3',
      OUTBOUND_REAP_GRACE_SECONDS: '0',
      COLLECTOR_IDLE_MIN_MS: '50',
      COLLECTOR_IDLE_MAX_MS: '500',
      TENANT_DB_IDLE_SECONDS: '30',
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3001',
    });

    expect(config).toMatchObject({
      COLLECTOR_RUN_SECONDS: 20,
      COLLECTOR_BATCH_SIZE: 25,
      OUTBOUND_LEASE_SECONDS: 120,
      OUTBOUND_MAX_ATTEMPTS: 3,
      OUTBOUND_REAP_GRACE_SECONDS: 0,
      COLLECTOR_IDLE_MIN_MS: 50,
      COLLECTOR_IDLE_MAX_MS: 500,
      TENANT_DB_IDLE_SECONDS: 30,
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3001',
    });
  });

  it('reports every missing or bad key at once', () => {
    const message = configError({
      OUTBOUND_MESSAGES_QUEUE_URL: 'not a url',
      COLLECTOR_RUN_SECONDS: 'soon',
      COLLECTOR_BATCH_SIZE: '0',
      OUTBOUND_LEASE_SECONDS: '1.5',
      OUTBOUND_MAX_ATTEMPTS: '-1',
      OUTBOUND_REAP_GRACE_SECONDS: '-5',
      COLLECTOR_IDLE_MIN_MS: 'fast',
      COLLECTOR_IDLE_MAX_MS: 'slow',
      TENANT_DB_IDLE_SECONDS: 'never',
    });

    for (const key of [
      'OUTBOUND_MESSAGES_QUEUE_URL',
      'CREDENTIALS_BROKER_FUNCTION',
      'OUTBOUND_COLLECTOR_FUNCTION',
      'COLLECTOR_RUN_SECONDS',
      'COLLECTOR_BATCH_SIZE',
      'OUTBOUND_LEASE_SECONDS',
      'OUTBOUND_MAX_ATTEMPTS',
      'OUTBOUND_REAP_GRACE_SECONDS',
      'COLLECTOR_IDLE_MIN_MS',
      'COLLECTOR_IDLE_MAX_MS',
      'TENANT_DB_IDLE_SECONDS',
    ]) {
      expect(message).toContain(key);
    }
    expect(message).toContain('11 bad keys');
  });

  it('refuses an idle maximum below the idle minimum', () => {
    const message = configError({ ...REQUIRED, COLLECTOR_IDLE_MIN_MS: '500', COLLECTOR_IDLE_MAX_MS: '100' });

    expect(message).toContain('COLLECTOR_IDLE_MAX_MS: must not be below COLLECTOR_IDLE_MIN_MS');
  });

  it.each([
    ['a run longer than 840 s', { COLLECTOR_RUN_SECONDS: '841', OUTBOUND_LEASE_SECONDS: '3600' }, 'COLLECTOR_RUN_SECONDS: Too big'],
    ['a lease shorter than 120 s', { COLLECTOR_RUN_SECONDS: '50', OUTBOUND_LEASE_SECONDS: '119' }, 'OUTBOUND_LEASE_SECONDS: Too small'],
    ['a run as long as the lease', { COLLECTOR_RUN_SECONDS: '600', OUTBOUND_LEASE_SECONDS: '600' }, 'COLLECTOR_RUN_SECONDS: must be below OUTBOUND_LEASE_SECONDS'],
    ['a run longer than the default lease', { COLLECTOR_RUN_SECONDS: '700' }, 'COLLECTOR_RUN_SECONDS: must be below OUTBOUND_LEASE_SECONDS'],
  ])('refuses %s', (_name, env, expected) => {
    const message = configError({ ...REQUIRED, ...env });

    expect(message).toContain(expected);
  });

  it('accepts the longest run below the lease', () => {
    expect(loadConfig({ ...REQUIRED, COLLECTOR_RUN_SECONDS: '840', OUTBOUND_LEASE_SECONDS: '841' })).toMatchObject({ COLLECTOR_RUN_SECONDS: 840 });
  });

  it('reports a run/lease or idle mismatch together with the other bad keys', () => {
    const message = configError({
      ...REQUIRED,
      COLLECTOR_RUN_SECONDS: '600',
      OUTBOUND_LEASE_SECONDS: '600',
      COLLECTOR_IDLE_MIN_MS: '500',
      COLLECTOR_IDLE_MAX_MS: '100',
      TENANT_DB_IDLE_SECONDS: 'never',
    });

    expect(message).toContain('3 bad keys');
    expect(message).toContain('COLLECTOR_RUN_SECONDS: must be below OUTBOUND_LEASE_SECONDS');
    expect(message).toContain('COLLECTOR_IDLE_MAX_MS: must not be below COLLECTOR_IDLE_MIN_MS');
    expect(message).toContain('TENANT_DB_IDLE_SECONDS');
  });
});
