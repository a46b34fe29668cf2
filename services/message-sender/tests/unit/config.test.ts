import { ConfigError } from '@wagw/core/errors';
import { loadConfig } from '../../src/config';

const REQUIRED = {
  STATUS_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/status-events.fifo',
  OUTBOUND_MESSAGES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound-messages.fifo',
  BUCKET_NAME: 'wagw-bucket',
  CREDENTIALS_BROKER_FUNCTION: 'wagw-credentials-broker',
};

describe('message-sender config', () => {
  it('applies the defaults for the optional keys', () => {
    const config = loadConfig(REQUIRED);

    expect(config).toEqual({
      ...REQUIRED,
      SEND_TIMEOUT_MS: 10_000,
      MEDIA_UPLOAD_TIMEOUT_MS: 30_000,
      RETRY_BASE_SECONDS: 2,
      RETRY_MAX_SECONDS: 300,
      SEND_MAX_RECEIVES: 20,
      LOG_LEVEL: 'info',
      AWS_REGION: 'us-east-1',
    });
  });

  it('reads the timeouts and retry settings as numbers', () => {
    const config = loadConfig({ ...REQUIRED, SEND_TIMEOUT_MS: '5000', MEDIA_UPLOAD_TIMEOUT_MS: '60000', RETRY_BASE_SECONDS: '1', RETRY_MAX_SECONDS: '900' });

    expect(config).toMatchObject({ SEND_TIMEOUT_MS: 5000, MEDIA_UPLOAD_TIMEOUT_MS: 60000, RETRY_BASE_SECONDS: 1, RETRY_MAX_SECONDS: 900 });
  });

  it('reads the delivery from which retryable failures are recorded instead of retried', () => {
    expect(loadConfig({ ...REQUIRED, SEND_MAX_RECEIVES: '5' }).SEND_MAX_RECEIVES).toBe(5);
    expect(() => loadConfig({ ...REQUIRED, SEND_MAX_RECEIVES: '0' })).toThrow(ConfigError);
  });

  it('refuses a retry maximum beyond the 12 hours SQS allows', () => {
    expect(() => loadConfig({ ...REQUIRED, RETRY_MAX_SECONDS: '43201' })).toThrow(ConfigError);
  });

  it('reports every missing or bad key at once', () => {
    let caught: unknown;
    try {
      loadConfig({ SEND_TIMEOUT_MS: 'soon' });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const key of ['STATUS_EVENTS_QUEUE_URL', 'OUTBOUND_MESSAGES_QUEUE_URL', 'BUCKET_NAME', 'CREDENTIALS_BROKER_FUNCTION', 'SEND_TIMEOUT_MS']) {
      expect(message).toContain(key);
    }
  });
});
