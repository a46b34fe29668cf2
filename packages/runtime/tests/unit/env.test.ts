import { ConfigError } from '@wagw/core/errors';
import { z } from 'zod';
import { parseEnv } from '../../src/env';

const schema = z.object({
  QUEUE_URL: z.string().url(),
  BUCKET: z.string().min(1),
  PORT: z.coerce.number().int().positive().default(3000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
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
      parseEnv(z.object({ API_TOKEN: z.string().length(64) }), { API_TOKEN: 'sEcReT-tOkEn-value' });
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
