import { QueuePublishError } from '@wagw/aws/errors';
import { GatewayError } from '@wagw/core/errors';
import { reportedPublishOutcome } from '../../src/publish-failure';

describe('reportedPublishOutcome', () => {
  it("reads the queued and not-queued deduplication ids of the publisher's QueuePublishError", () => {
    const error = new QueuePublishError('outbound-messages', { queued: ['a'], ambiguous: ['b'], notQueued: ['c', 'd'] }, 'SendMessageBatch failed', {
      retryable: true,
    });

    const outcome = reportedPublishOutcome(error);

    expect([...outcome.queued]).toEqual(['a']);
    expect([...outcome.notQueued]).toEqual(['c', 'd']);
  });

  it.each([
    ['a plain Error', new Error('socket hang up')],
    ['a GatewayError without lists', new GatewayError('QUEUE_PUBLISH_FAILED', 'failed', { retryable: true })],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('reports nothing for %s, so every message counts as ambiguous', (_name, error) => {
    const outcome = reportedPublishOutcome(error);

    expect(outcome.queued.size + outcome.notQueued.size).toBe(0);
  });
});
