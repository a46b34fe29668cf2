import { Writable } from 'node:stream';
import { GatewayError } from '@wagw/core/errors';
import { createLogger, redactSecrets } from '../../src/logger';

const captureLines = () => {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { destination, output: () => chunks.join('') };
};

// Shaped like the real thing: a Meta system-user token, a Whapi token, app secrets, a DB URL with a password.
const SECRETS = {
  metaAccessToken: 'EAAGm0PX4ZCpsBAKZCZBqZCZBZAbZCxZCZBaZBbZCTokenValue1234567890abcdefZZ',
  whapiApiToken: 'wHaPiT0k3nQx9v8u7t6s5r4p3o2n1m0l',
  metaAppSecret: '3f1d9c0b8a7e6d5c4b3a2f1e0d9c8b7a',
  whapiWebhookSecret: 'whsec_5Yq2xJ8mN4vB7cT1zK9pL3wR6hD0fG2s',
  verifyToken: 'verify-8d7f6e5c4b3a2910',
  dbPassword: 'Pg-p4ssw0rd-9c8b7a6f5e',
  signature: 'sha256=9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b',
};

describe('createLogger', () => {
  it('never writes a secret value, at any nesting the services log', () => {
    // Prepare
    const { destination, output } = captureLines();
    const logger = createLogger({ destination, base: { service: 'test' } });

    // Act
    logger.info({ accessToken: SECRETS.metaAccessToken, channel: { apiToken: SECRETS.whapiApiToken } }, 'channel resolved');
    logger.info({ app: { appId: '123', appSecret: SECRETS.metaAppSecret, verifyToken: SECRETS.verifyToken } }, 'app loaded');
    logger.info(
      {
        event: {
          headers: {
            'x-gateway-secret': SECRETS.whapiWebhookSecret,
            'x-hub-signature-256': SECRETS.signature,
            authorization: `Bearer ${SECRETS.whapiApiToken}`,
          },
        },
      },
      'request received',
    );
    logger.info({ request: { headers: { Authorization: `Bearer ${SECRETS.metaAccessToken}` } } }, 'graph call');
    logger.info({ tenant: { database: { engine: 'postgres', url: `postgres://app:${SECRETS.dbPassword}@db:5432/t1` } } }, 'pool opened');
    logger.info({ record: { channels: [{ provider: 'whapi', apiToken: SECRETS.whapiApiToken, webhookSecret: SECRETS.whapiWebhookSecret }] } }, 'record');
    logger.info({ query: { 'hub.verify_token': SECRETS.verifyToken, 'hub.mode': 'subscribe' } }, 'handshake');
    logger.child({ token: SECRETS.metaAccessToken }).info({ password: SECRETS.dbPassword }, 'child line');
    const failure = Object.assign(new GatewayError('PROVIDER_HTTP', 'graph call failed', { retryable: true }), {
      config: { headers: { Authorization: `Bearer ${SECRETS.metaAccessToken}` } },
    });
    logger.error({ err: failure }, 'call failed');
    logger.warn({ a: { b: { c: { d: { e: { f: { appSecret: SECRETS.metaAppSecret } } } } } } }, 'deeply nested');

    // Assert
    const text = output();
    expect(text.split('\n').filter(Boolean)).toHaveLength(10);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, leaked: text.includes(value) }).toEqual({ name, leaked: false });
    }
    expect(text).toContain('[redacted]');
  });

  it('keeps the fields that are not secrets', () => {
    // Prepare
    const { destination, output } = captureLines();
    const logger = createLogger({ destination });

    // Act
    logger.info({ tenantId: 't1', providerMessageId: 'wamid.X', media: { url: 'https://lookaside.fbsbx.com/x' } }, 'message stored');

    // Assert
    const line = JSON.parse(output()) as Record<string, unknown>;
    expect(line).toMatchObject({ tenantId: 't1', providerMessageId: 'wamid.X', media: { url: 'https://lookaside.fbsbx.com/x' }, msg: 'message stored' });
  });

  it('uses the level it is given and info by default', () => {
    // Prepare
    const { destination } = captureLines();

    // Act
    const byDefault = createLogger({ destination });
    const quiet = createLogger({ destination, level: 'warn' });

    // Assert
    expect(byDefault.level).toBe('info');
    expect(quiet.level).toBe('warn');
    expect(quiet.isLevelEnabled('info')).toBe(false);
  });
});

describe('createLogger on errors', () => {
  const logOne = (write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> => {
    const { destination, output } = captureLines();
    write(createLogger({ destination }));
    return JSON.parse(output()) as Record<string, unknown>;
  };

  it('logs an error with its class name, code, retryable flag and the cause chain', () => {
    // Prepare
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
    class TenantDown extends GatewayError {}
    const failure = new TenantDown('TENANT_DB_UNAVAILABLE', 'tenant t1 database is unavailable', { retryable: true, cause });

    // Act
    const line = logOne((logger) => logger.error({ err: failure }, 'record failed'));

    // Assert
    expect(line.err).toMatchObject({
      type: 'TenantDown',
      message: 'tenant t1 database is unavailable',
      code: 'TENANT_DB_UNAVAILABLE',
      retryable: true,
      stack: expect.stringContaining('tenant t1 database is unavailable'),
      cause: { type: 'Error', message: 'connect ECONNREFUSED 10.0.0.7:5432', code: 'ECONNREFUSED' },
    });
  });

  it('logs an error passed as the only argument the same way', () => {
    // Act
    const line = logOne((logger) => logger.error(new GatewayError('PROVIDER_HTTP', 'graph call failed', { retryable: true })));

    // Assert
    expect(line).toMatchObject({ msg: 'graph call failed', err: { type: 'GatewayError', code: 'PROVIDER_HTTP', retryable: true } });
  });

  it('hides the password of a connection string inside an error message, its cause and the log message', () => {
    // Prepare
    const cause = new Error('getaddrinfo ENOTFOUND h for postgres://u:hunter2@h/db');
    const failure = new GatewayError('TENANT_DB_UNAVAILABLE', 'cannot open postgres://u:hunter2@h/db', { cause });

    // Act
    const { destination, output } = captureLines();
    createLogger({ destination }).error({ err: failure, note: 'mssql://sa:Hunter2!@sql:1433/t' }, 'opening postgres://u:hunter2@h/db failed');

    // Assert
    const text = output();
    expect(text).not.toMatch(/hunter2/i);
    expect(JSON.parse(text)).toMatchObject({
      msg: 'opening postgres://u:[redacted]@h/db failed',
      note: 'mssql://sa:[redacted]@sql:1433/t',
      err: { message: 'cannot open postgres://u:[redacted]@h/db', cause: { message: expect.stringContaining('postgres://u:[redacted]@h/db') } },
    });
  });

  it('still redacts secret fields of an error and of its cause', () => {
    // Prepare
    const cause = Object.assign(new Error('unauthorized'), { config: { headers: { Authorization: `Bearer ${SECRETS.metaAccessToken}` } } });
    const failure = Object.assign(new GatewayError('PROVIDER_HTTP', 'graph call failed', { cause }), { apiToken: SECRETS.whapiApiToken });

    // Act
    const { destination, output } = captureLines();
    createLogger({ destination }).error({ err: failure, password: new Error(SECRETS.dbPassword) }, 'call failed');

    // Assert
    const text = output();
    for (const value of [SECRETS.metaAccessToken, SECRETS.whapiApiToken, SECRETS.dbPassword]) expect(text).not.toContain(value);
    expect(JSON.parse(text)).toMatchObject({
      password: '[redacted]',
      err: { apiToken: '[redacted]', cause: { config: { headers: { Authorization: '[redacted]' } } } },
    });
  });

  it('marks an error that is its own cause instead of looping', () => {
    // Prepare
    const looping = new Error('loop');
    looping.cause = looping;

    // Act
    const line = logOne((logger) => logger.error({ err: looping }, 'odd'));

    // Assert
    expect(line.err).toMatchObject({ message: 'loop', cause: '[circular]' });
  });
});

describe('redactSecrets', () => {
  it('replaces secret keys at any depth and leaves the input untouched', () => {
    // Prepare
    const input = { a: { b: { c: { d: { e: { token: SECRETS.metaAccessToken, keep: 1 } } } } }, list: [{ Password: SECRETS.dbPassword }] };

    // Act
    const output = redactSecrets(input);

    // Assert
    expect(output).toEqual({ a: { b: { c: { d: { e: { token: '[redacted]', keep: 1 } } } } }, list: [{ Password: '[redacted]' }] });
    expect(input.a.b.c.d.e.token).toBe(SECRETS.metaAccessToken);
  });

  it('redacts a database url but not a media url', () => {
    // Act
    const output = redactSecrets({ database: { url: 'postgres://u:p@h/db' }, media: { url: 'https://example.test/a.jpg' } });

    // Assert
    expect(output).toEqual({ database: { url: '[redacted]' }, media: { url: 'https://example.test/a.jpg' } });
  });

  it('hides only the password of a connection string found in any string', () => {
    // Act
    const output = redactSecrets({ detail: 'failed: amqp://guest:guest@mq:5672/ and https://example.test:8443/a@b' });

    // Assert
    expect(output).toEqual({ detail: 'failed: amqp://guest:[redacted]@mq:5672/ and https://example.test:8443/a@b' });
  });
});

describe('redactSecrets on awkward values', () => {
  it('marks a cycle but prints a value shared by two fields twice', () => {
    // Prepare
    const shared = { id: 's' };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;

    // Act
    const output = redactSecrets(cyclic);

    // Assert
    expect(output).toEqual({ a: { id: 's' }, b: { id: 's' }, self: '[circular]' });
  });

  it('keeps an error\'s message and stack while redacting its fields', () => {
    // Prepare
    const error = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Bearer abc' } } });

    // Act
    const output = redactSecrets({ error }) as unknown as { error: Record<string, unknown> };

    // Assert
    expect(output.error).toMatchObject({ type: 'Error', message: 'request failed', config: { headers: { Authorization: '[redacted]' } } });
    expect(output.error.stack).toEqual(expect.stringContaining('request failed'));
  });
});
