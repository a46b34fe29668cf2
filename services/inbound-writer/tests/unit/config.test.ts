import { ConfigError } from '@wagw/core/errors';
import { loadConfig } from '../../src/config';

const REQUIRED = {
  MEDIA_JOBS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/media-jobs.fifo',
  CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
};

describe('inbound-writer config', () => {
  it('applies the defaults for the optional keys', () => {
    const config = loadConfig(REQUIRED);

    expect(config).toEqual({ ...REQUIRED, TENANT_DB_IDLE_SECONDS: 300, LOG_LEVEL: 'info', AWS_REGION: 'us-east-1' });
  });

  it('reads the idle time as a number and the local endpoints', () => {
    const config = loadConfig({
      ...REQUIRED,
      TENANT_DB_IDLE_SECONDS: '30',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_REGION: 'eu-west-1',
    });

    expect(config).toMatchObject({ TENANT_DB_IDLE_SECONDS: 30, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' });
  });

  it('reports every missing or bad key at once', () => {
    let caught: unknown;
    try {
      loadConfig({ TENANT_DB_IDLE_SECONDS: 'soon' });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const key of ['MEDIA_JOBS_QUEUE_URL', 'CREDENTIALS_BROKER_FUNCTION', 'TENANT_DB_IDLE_SECONDS']) expect(message).toContain(key);
  });
});
