import { MalformedEventError } from '@wagw/core/errors';
import * as z from 'zod/mini';
import { parseQueueBody } from '../../src/queue-body';

const Job = z.object({ schema: z.literal('job.v1'), tenantId: z.string() });

describe('parseQueueBody', () => {
  it('returns the body as its contract', () => {
    expect(parseQueueBody(Job, '{"schema":"job.v1","tenantId":"acme"}', 'job')).toEqual({ schema: 'job.v1', tenantId: 'acme' });
  });

  it('refuses a body that is not JSON', () => {
    expect(() => parseQueueBody(Job, '{"schema":', 'job')).toThrow(new MalformedEventError('job body is not JSON'));
  });

  it('names the paths that do not match, never the values', () => {
    const parse = () => parseQueueBody(Job, '{"schema":"job.v9","tenantId":"secret-looking-value"}', 'job');

    expect(parse).toThrow(MalformedEventError);
    expect(parse).toThrow(/schema/);
    expect(parse).not.toThrow(/secret-looking-value/);
  });
});
