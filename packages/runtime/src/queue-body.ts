import { MalformedEventError } from '@wagw/core/errors';
import * as z from 'zod/mini';

const MAX_LISTED_ISSUES = 5;

/**
 * A queue message body as its contract. A body that is not one is thrown as a MalformedEventError:
 * the record is retried and then dead-lettered, never silently dropped. The message names paths and
 * problems only, never values (a body may hold customer text).
 */
export const parseQueueBody = <Schema extends z.ZodMiniType>(schema: Schema, body: string, what: string): z.output<Schema> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedEventError(`${what} body is not JSON`);
  }
  const result = z.safeParse(schema, json);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.')}: ${issue.message}`);
  throw new MalformedEventError(`${what} does not match its contract: ${issues.join('; ')}`);
};
