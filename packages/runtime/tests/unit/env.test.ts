import { ConfigError } from '@wagw/core/errors';
import * as z from 'zod/mini';
import { awsEndpoints, envField, parseEnv } from '../../src/env';

const schema = z.object({
  QUEUE_URL: envField.url(),
  BUCKET: envField.text(),
  PORT: envField.integerOr(3000),
  LOG_LEVEL: envField.oneOf(['debug', 'info', 'warn', 'error', 'silent'], 'info'),
});

describe('parseEnv', () => {
  it('returns the parsed values with defaults applied', () => {
    // Act
    const config = parseEnv(schema, { QUEUE_URL: 'http://127.0.0.1:1/q.fifo', BUCKET: 'b', UNRELATED: 'x' });

    // Assert
    expect(config).toEqual({ QUEUE_URL: 'http://127.0.0.1:1/q.fifo', BUCKET: 'b', PORT: 3000, LOG_LEVEL: 'info' });
  });

  it('reports every bad key at once in a ConfigError', () => {
    // Act
    const attempt = () => parseEnv(schema, { QUEUE_URL: 'not a url', PORT: '-1', LOG_LEVEL: 'loud' });

    // Assert
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as ConfigError).message;
      }
    })();
    expect(message).toContain('4 bad keys');
    for (const key of ['QUEUE_URL', 'BUCKET', 'PORT', 'LOG_LEVEL']) expect(message).toMatch(new RegExp(`^  ${key}: .+`, 'm'));
  });

  it('never echoes a value into the error', () => {
    // Act
    let caught: unknown;
    try {
      parseEnv(z.object({ API_TOKEN: z.string().check(z.length(64)) }), { API_TOKEN: 'sEcReT-tOkEn-value' });
    } catch (error) {
      caught = error;
    }

    // Assert
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('CONFIG_INVALID');
    expect((caught as ConfigError).message).toContain('API_TOKEN');
    expect((caught as ConfigError).message).not.toContain('sEcReT-tOkEn-value');
  });

  it('reads process.env when no source is given', () => {
    // Prepare
    process.env.WAGW_PARSE_ENV_TEST = 'present';

    // Act
    const config = parseEnv(z.object({ WAGW_PARSE_ENV_TEST: z.string() }));

    // Assert
    expect(config.WAGW_PARSE_ENV_TEST).toBe('present');
    delete process.env.WAGW_PARSE_ENV_TEST;
  });
});

describe('empty variables', () => {
  it('count as unset, so defaults apply and required keys are reported', () => {
    const attempt = () => parseEnv(schema, { QUEUE_URL: 'http://127.0.0.1:1/q.fifo', BUCKET: '', PORT: '' });

    expect(attempt).toThrow(/BUCKET/);
    expect(parseEnv(schema, { QUEUE_URL: 'http://127.0.0.1:1/q.fifo', BUCKET: 'b', PORT: '' }).PORT).toBe(3000);
  });
});

describe('awsEndpoints', () => {
  it('prefers the per-service endpoint over AWS_ENDPOINT_URL', () => {
    expect(
      awsEndpoints({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:2' }),
    ).toEqual({ sqs: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:1', lambda: 'http://127.0.0.1:2' });
  });

  it('leaves every endpoint to AWS when none is set', () => {
    expect(awsEndpoints({})).toEqual({});
  });
});
