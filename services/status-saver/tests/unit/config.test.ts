import { ConfigError } from '@wagw/core/errors';
import { loadConfig } from '../../src/config';

const REQUIRED = {
  STATUS_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/status-events.fifo',
  CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
};

describe('status-saver config', () => {
  it('applies the defaults for the optional keys', () => {
    const config = loadConfig(REQUIRED);

    expect(config).toEqual({ ...REQUIRED, TENANT_DB_IDLE_SECONDS: 300, LOG_LEVEL: 'info', AWS_REGION: 'us-east-1' });
  });

  it('needs the URL of the queue it consumes (the retry backoff changes its messages visibility there)', () => {
    const { STATUS_EVENTS_QUEUE_URL: _omitted, ...withoutQueue } = REQUIRED;

    expect(() => loadConfig(withoutQueue)).toThrow(/STATUS_EVENTS_QUEUE_URL/);
  });

  it('reads the idle time as a number and the local endpoints', () => {
    const config = loadConfig({ ...REQUIRED, TENANT_DB_IDLE_SECONDS: '30', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4566' });

    expect(config).toMatchObject({ TENANT_DB_IDLE_SECONDS: 30, AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4566' });
  });

  it('reports every missing or bad key at once', () => {
    let caught: unknown;
    try {
      loadConfig({ TENANT_DB_IDLE_SECONDS: 'soon', LOG_LEVEL: 'loud', STATUS_EVENTS_QUEUE_URL: 'status-events' });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const key of ['STATUS_EVENTS_QUEUE_URL', 'CREDENTIALS_BROKER_FUNCTION', 'TENANT_DB_IDLE_SECONDS', 'LOG_LEVEL']) expect(message).toContain(key);
  });
});
