import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Logger } from '@wagw/runtime/logger';
import { createLogger } from '@wagw/runtime/logger';
import type { BrokerDependencies } from './answer-broker-request';
import { CachedSecretDirectory } from './cached-secret-directory';
import type { BrokerConfig } from './config';
import { JsonFileSecretStore } from './json-file-secret-store';
import type { SecretDirectory } from './secret-directory';
import type { SecretStore } from './secret-store';
import { SecretsManagerSecretStore } from './secrets-manager-secret-store';

const createSecretStore = (config: BrokerConfig): SecretStore => {
  switch (config.SECRETS_SOURCE) {
    case 'file':
      // The schema requires GATEWAY_CONFIG for this source.
      return new JsonFileSecretStore(config.GATEWAY_CONFIG ?? '');
    case 'secrets-manager': {
      const endpoint = config.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? config.AWS_ENDPOINT_URL;
      return new SecretsManagerSecretStore(new SecretsManagerClient(endpoint === undefined ? {} : { endpoint }), config.SECRETS_PREFIX);
    }
  }
};

const logProblems = (logger: Logger) => (directory: SecretDirectory) => {
  for (const problem of directory.problems) logger.warn(problem, 'secret record cannot be served');
};

/** Composition root: config → store → cached directory. Built once per Lambda container. */
export const createDependencies = (
  config: BrokerConfig,
  logger: Logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'credentials-broker' } }),
): BrokerDependencies => ({
  directory: new CachedSecretDirectory(createSecretStore(config), {
    ttlMs: config.CACHE_TTL_SECONDS * 1000,
    onLoad: logProblems(logger),
  }),
  logger,
});
