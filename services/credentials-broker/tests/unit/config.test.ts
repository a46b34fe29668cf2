import { ConfigError } from '@wagw/core/errors';
import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('defaults to Secrets Manager under the wagw prefix with a 60 s cache', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({ SECRETS_SOURCE: 'secrets-manager', SECRETS_PREFIX: 'wagw', CACHE_TTL_SECONDS: 60, LOG_LEVEL: 'info' });
  });

  it('reads the file source with its path, cache TTL and endpoint', () => {
    const config = loadConfig({
      SECRETS_SOURCE: 'file',
      GATEWAY_CONFIG: '/tmp/gateway.json',
      CACHE_TTL_SECONDS: '0',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    });

    expect(config).toMatchObject({ SECRETS_SOURCE: 'file', GATEWAY_CONFIG: '/tmp/gateway.json', CACHE_TTL_SECONDS: 0, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });
  });

  it('reports every bad key at once', () => {
    const load = () => loadConfig({ SECRETS_SOURCE: 'file', CACHE_TTL_SECONDS: '-1', SECRETS_PREFIX: 'wagw/' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CACHE_TTL_SECONDS[\s\S]*SECRETS_PREFIX|SECRETS_PREFIX[\s\S]*CACHE_TTL_SECONDS/);
  });

  it('requires GATEWAY_CONFIG when the source is a file', () => {
    expect(() => loadConfig({ SECRETS_SOURCE: 'file' })).toThrow(/GATEWAY_CONFIG: required when SECRETS_SOURCE=file/);
  });
});
