import { ConfigError } from '@wagw/core/errors';
import { DEFAULT_MAX_BODY_BYTES, loadConfig } from '../../src/config';

const REQUIRED = {
  INBOUND_EVENTS_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/inbound-events.fifo',
  STATUS_EVENTS_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/status-events.fifo',
  BUCKET_NAME: 'gateway-bucket',
  CREDENTIALS_BROKER_FUNCTION: 'credentials-broker',
};

describe('loadConfig', () => {
  it('reads the required keys and applies the defaults', () => {
    const config = loadConfig({ ...REQUIRED });

    expect(config).toEqual({
      inboundEventsQueueUrl: REQUIRED.INBOUND_EVENTS_QUEUE_URL,
      statusEventsQueueUrl: REQUIRED.STATUS_EVENTS_QUEUE_URL,
      bucketName: 'gateway-bucket',
      credentialsBrokerFunction: 'credentials-broker',
      logLevel: 'info',
      region: 'us-east-1',
      endpoints: {},
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    });
    expect(DEFAULT_MAX_BODY_BYTES).toBe(3_670_016);
  });

  it('lets a per-service endpoint win over AWS_ENDPOINT_URL', () => {
    const config = loadConfig({
      ...REQUIRED,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9001',
      AWS_REGION: 'eu-west-1',
      LOG_LEVEL: 'debug',
      MAX_BODY_BYTES: '1000',
    });

    expect(config).toMatchObject({
      region: 'eu-west-1',
      logLevel: 'debug',
      maxBodyBytes: 1000,
      endpoints: { sqs: 'http://127.0.0.1:4566', s3: 'http://127.0.0.1:4566', lambda: 'http://127.0.0.1:9001' },
    });
  });

  it('treats empty optional values as unset', () => {
    expect(loadConfig({ ...REQUIRED, AWS_ENDPOINT_URL: '', LOG_LEVEL: '', MAX_BODY_BYTES: '' })).toMatchObject({ endpoints: {}, logLevel: 'info' });
  });

  it('names every bad key at once', () => {
    let thrown: unknown;
    try {
      loadConfig({ INBOUND_EVENTS_QUEUE_URL: 'not a url', LOG_LEVEL: 'loud', MAX_BODY_BYTES: '-1' });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as ConfigError).message;
    for (const key of ['INBOUND_EVENTS_QUEUE_URL', 'STATUS_EVENTS_QUEUE_URL', 'BUCKET_NAME', 'CREDENTIALS_BROKER_FUNCTION', 'LOG_LEVEL', 'MAX_BODY_BYTES']) {
      expect(message).toContain(key);
    }
  });
});
