import type { EnvSource } from '@wagw/runtime/env';
import { parseEnv } from '@wagw/runtime/env';
import { z } from 'zod';

const optionalUrl = z.string().url().optional();

export const BrokerConfigSchema = z
  .object({
    /** Where records live: AWS Secrets Manager, or the local-mode JSON file. */
    SECRETS_SOURCE: z.enum(['secrets-manager', 'file']).default('secrets-manager'),
    /** Secret names are `{SECRETS_PREFIX}/meta-apps/{appId}` and `{SECRETS_PREFIX}/tenants/{tenantId}`. */
    SECRETS_PREFIX: z.string().regex(/^[\w+=.@-]+(\/[\w+=.@-]+)*$/, 'a secret name path without a trailing slash').default('wagw'),
    /** GatewayConfigV1 file; required when SECRETS_SOURCE=file. */
    GATEWAY_CONFIG: z.string().min(1).optional(),
    CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(60),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AWS_ENDPOINT_URL: optionalUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: optionalUrl,
  })
  .refine((config) => config.SECRETS_SOURCE !== 'file' || config.GATEWAY_CONFIG !== undefined, {
    path: ['GATEWAY_CONFIG'],
    message: 'required when SECRETS_SOURCE=file',
  });

export type BrokerConfig = z.output<typeof BrokerConfigSchema>;

export const loadConfig = (env: EnvSource = process.env): BrokerConfig => parseEnv(BrokerConfigSchema, env);
