import { InboundQueueEventV1 } from '@wagw/contracts';
import { MalformedEventError } from '@wagw/core/errors';

const MAX_LISTED_ISSUES = 5;

/**
 * An inbound-events.fifo body as its contract. A body that is not one is thrown as a
 * MalformedEventError: the record is retried and then dead-lettered, never silently dropped. The
 * message names paths and problems only, never values.
 */
export const parseInboundEvent = (body: string): InboundQueueEventV1 => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedEventError('inbound event body is not JSON');
  }
  const result = InboundQueueEventV1.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${issue.path.length === 0 ? '(event)' : issue.path.map(String).join('.')}: ${issue.message}`);
  throw new MalformedEventError(`inbound event does not match its contract: ${issues.join('; ')}`);
};
