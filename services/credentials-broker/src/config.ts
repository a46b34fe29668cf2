import type { EnvSource } from '@wagw/runtime/env';
import { envField, LOG_LEVELS, parseEnv } from '@wagw/runtime/env';
import * as z from 'zod/mini';

export const BrokerConfigSchema = z
  .object({
    /** Where records live: AWS Secrets Manager, or the local-mode JSON file. */
    SECRETS_SOURCE: envField.oneOf(['secrets-manager', 'file'], 'secrets-manager'),
    /** Secret names are `{SECRETS_PREFIX}/meta-apps/{appId}` and `{SECRETS_PREFIX}/tenants/{tenantId}`. */
    SECRETS_PREFIX: z._default(
      z.string().check(z.regex(/^[\w+=.@-]+(\/[\w+=.@-]+)*$/, 'a secret name path without a trailing slash')),
      'wagw',
    ),
    /** GatewayConfigV1 file; required when SECRETS_SOURCE=file. */
    GATEWAY_CONFIG: envField.optionalText(),
    CACHE_TTL_SECONDS: envField.integerOr(60, 0),
    LOG_LEVEL: envField.oneOf(LOG_LEVELS, 'info'),
    AWS_ENDPOINT_URL: envField.optionalUrl(),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: envField.optionalUrl(),
  })
  .check(
    z.refine((config) => config.SECRETS_SOURCE !== 'file' || config.GATEWAY_CONFIG !== undefined, {
      path: ['GATEWAY_CONFIG'],
      message: 'required when SECRETS_SOURCE=file',
    }),
  );

export type BrokerConfig = z.output<typeof BrokerConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): BrokerConfig => parseEnv(BrokerConfigSchema, env);
