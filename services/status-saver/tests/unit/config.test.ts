import { ConfigError } from '@wagw/core/errors';
import { loadConfig } from '../../src/config';

const REQUIRED = { CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker' };

describe('status-saver config', () => {
  it('applies the defaults for the optional keys', () => {
    const config = loadConfig(REQUIRED);

    expect(config).toEqual({ ...REQUIRED, TENANT_DB_IDLE_SECONDS: 300, LOG_LEVEL: 'info', AWS_REGION: 'us-east-1' });
  });

  it('reads the idle time as a number and the local endpoints', () => {
    const config = loadConfig({ ...REQUIRED, TENANT_DB_IDLE_SECONDS: '30', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4566' });

    expect(config).toMatchObject({ TENANT_DB_IDLE_SECONDS: 30, AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4566' });
  });

  it('reports every missing or bad key at once', () => {
    let caught: unknown;
    try {
      loadConfig({ TENANT_DB_IDLE_SECONDS: 'soon', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const key of ['CREDENTIALS_BROKER_FUNCTION', 'TENANT_DB_IDLE_SECONDS', 'LOG_LEVEL']) expect(message).toContain(key);
  });
});
