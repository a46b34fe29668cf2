import { ConfigError } from '@wagw/core/errors';
import type { z } from 'zod';

export type EnvSource = Record<string, string | undefined>;

/**
 * Parses the environment once against a zod object schema. Every bad key is reported in one
 * ConfigError (the key and why, never the value: values may be secrets).
 */
export const parseEnv = <Schema extends z.ZodType>(
  schema: Schema,
  env: EnvSource = process.env,
): z.output<Schema> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;

  const problems = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    const key = issue.path.length === 0 ? '(environment)' : issue.path.map(String).join('.');
    problems.set(key, [...(problems.get(key) ?? []), issue.message]);
  }
  const lines = [...problems].map(([key, reasons]) => `  ${key}: ${reasons.join('; ')}`);
  throw new ConfigError(`invalid configuration (${problems.size} bad key${problems.size === 1 ? '' : 's'}):\n${lines.join('\n')}`);
};
