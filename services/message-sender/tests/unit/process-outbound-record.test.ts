import { conversationGroupId } from '@wagw/core/ids';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import type { Context, SQSRecord } from 'aws-lambda';
import { createOutboundRecordProcessor } from '../../src/process-outbound-record';
import { outboundRetryBackoff } from '../../src/retry-delay';
import { anOutboundEvent, META_CHANNEL, SEND_TIMEOUT_MS, senderWorld, TENANT } from '../support/builders';
import { capturingLogger } from '../support/fakes';

const sqsRecord = (messageId: string, body: string, receiveCount = 1): SQSRecord => {
  const parsed = JSON.parse(body) as { toId?: string };
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1760000005000',
      SenderId: 'TEST',
      ApproximateFirstReceiveTimestamp: '1760000005000',
      MessageGroupId: conversationGroupId(TENANT, META_CHANNEL, parsed.toId ?? '-'),
      MessageDeduplicationId: messageId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:outbound-messages.fifo',
    awsRegion: 'us-east-1',
  };
};

const setup = () => {
  const world = senderWorld();
  const visibility: { receiptHandle: string; seconds: number }[] = [];
  const backoff = outboundRetryBackoff({ baseSeconds: 2, maxSeconds: 300, random: () => 0 }, async (receiptHandle, seconds) => {
    visibility.push({ receiptHandle, seconds });
  });
  const handler = createFifoBatchHandler(createOutboundRecordProcessor(world.deps), { logger: capturingLogger().logger, retryBackoff: backoff });
  return { ...world, handler, visibility };
};

describe('the outbound-messages.fifo batch', () => {
  it('fails a rate-limited conversation with a backoff and goes on with the other conversations', async () => {
    // Prepare: the first send (to A) is rate limited, the others are accepted
    const { handler, meta, results, visibility } = setup();
    meta.sendAnswers = [{ outcome: 'rejected', code: '130429', message: 'Rate limit hit', retry: 'retryable', minDelaySeconds: 0 }];
    const toA1 = JSON.stringify(anOutboundEvent({ rowId: '1', toId: '15550000001' }));
    const toB = JSON.stringify(anOutboundEvent({ rowId: '2', toId: '15550000002' }));
    const toA2 = JSON.stringify(anOutboundEvent({ rowId: '3', toId: '15550000001' }));

    // Act
    const response = await handler({ Records: [sqsRecord('a1', toA1, 3), sqsRecord('b', toB), sqsRecord('a2', toA2)] });

    // Assert
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(['a1', 'a2']);
    // The rest of A's group waits exactly as long: left in flight it would hold the group for the full visibility timeout.
    expect(visibility).toEqual([
      { receiptHandle: 'rh-a1', seconds: 4 },
      { receiptHandle: 'rh-a2', seconds: 4 },
    ]);
    expect(results.bodies().map((body) => body.rowId)).toEqual(['2']);
    expect(meta.sends.map((call) => call.toId)).toEqual(['15550000001', '15550000002']);
  });

  it('delays a pair rate limit by at least the six seconds the provider asks for', async () => {
    // Prepare
    const { handler, meta, visibility } = setup();
    meta.sendAnswers = [{ outcome: 'rejected', code: '131056', message: 'pair rate limit', retry: 'retryable', minDelaySeconds: 6 }];

    // Act
    await handler({ Records: [sqsRecord('a1', JSON.stringify(anOutboundEvent()))] });

    // Assert
    expect(visibility).toEqual([{ receiptHandle: 'rh-a1', seconds: 6 }]);
  });

  it('records a retryable failure on the last retried delivery as failed SEND_RETRIES_EXHAUSTED and acknowledges it', async () => {
    // Prepare: the eighth delivery (SEND_MAX_RECEIVES) is rate limited again
    const { handler, meta, results, visibility } = setup();
    meta.sendAnswers = [{ outcome: 'rejected', code: '130429', message: 'Rate limit hit', retry: 'retryable', minDelaySeconds: 0 }];

    // Act
    const response = await handler({ Records: [sqsRecord('a1', JSON.stringify(anOutboundEvent()), 8)] });

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(visibility).toEqual([]);
    expect(results.bodies()[0]?.outcome).toMatchObject({ status: 'failed', code: 'SEND_RETRIES_EXHAUSTED', message: expect.stringContaining('130429: Rate limit hit') });
  });

  it('acknowledges permanent failures and unknown outcomes (no batch item failure)', async () => {
    // Prepare
    const { handler, meta, results } = setup();
    meta.sendAnswers = [
      { outcome: 'rejected', code: '131026', message: 'undeliverable', retry: 'permanent' },
      { outcome: 'unknown', code: 'ETIMEDOUT', message: 'timeout' },
    ];

    // Act
    const response = await handler({
      Records: [sqsRecord('a', JSON.stringify(anOutboundEvent({ rowId: '1' }))), sqsRecord('b', JSON.stringify(anOutboundEvent({ rowId: '2' })))],
    });

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(results.bodies().map((body) => (body.outcome as { status: string }).status)).toEqual(['failed', 'unknown']);
  });

  it('reports a body that is not an outbound message as a failure, without sending', async () => {
    // Prepare
    const { handler, meta } = setup();
    const record = sqsRecord('x', JSON.stringify({ schema: 'outbound-message.v1', tenantId: TENANT }));

    // Act
    const response = await handler({ Records: [record] });

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);
    expect(meta.sends).toEqual([]);
  });
});

/** A Lambda context whose remaining time the test sets. */
const lambdaContext = (clock: { remainingMs: number }): Context => ({ getRemainingTimeInMillis: () => clock.remainingMs }) as unknown as Context;

describe('the outbound-messages.fifo batch near the end of the invocation', () => {
  it('sends nothing more once too little time is left: later records come back, the sent one stays done', async () => {
    // Prepare: a minute left; the first send uses it up to 5 s (less than two sends and the publish margin)
    const { handler, meta, results, visibility } = setup();
    const time = { remainingMs: 60_000 };
    meta.duringSend = () => {
      time.remainingMs = 5_000;
    };
    const toA1 = JSON.stringify(anOutboundEvent({ rowId: '1', toId: '15550000001' }));
    const toB = JSON.stringify(anOutboundEvent({ rowId: '2', toId: '15550000002' }));
    const toA2 = JSON.stringify(anOutboundEvent({ rowId: '3', toId: '15550000001' }));

    // Act
    const response = await handler({ Records: [sqsRecord('a1', toA1), sqsRecord('b', toB), sqsRecord('a2', toA2)] }, lambdaContext(time));

    // Assert
    expect(meta.sends.map((call) => call.toId)).toEqual(['15550000001']);
    expect(results.bodies().map((body) => body.rowId)).toEqual(['1']);
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(['b', 'a2']);
    expect(visibility).toEqual([
      { receiptHandle: 'rh-b', seconds: 1 },
      { receiptHandle: 'rh-a2', seconds: 1 },
    ]);
  });

  it('starts a record when exactly two sends and the publish margin are left', async () => {
    // Prepare
    const { handler, meta } = setup();
    const time = { remainingMs: 2 * SEND_TIMEOUT_MS + 2_000 };

    // Act
    const response = await handler({ Records: [sqsRecord('a1', JSON.stringify(anOutboundEvent()))] }, lambdaContext(time));

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(meta.sends).toHaveLength(1);
  });

  it('does not start a record with a millisecond less, and does not call the broker or the provider', async () => {
    // Prepare
    const { handler, meta, credentials, results } = setup();
    const time = { remainingMs: 2 * SEND_TIMEOUT_MS + 2_000 - 1 };

    // Act
    const response = await handler({ Records: [sqsRecord('a1', JSON.stringify(anOutboundEvent()))] }, lambdaContext(time));

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a1' }]);
    expect(meta.sends).toEqual([]);
    expect(credentials.credentialFetches).toBe(0);
    expect(results.published).toEqual([]);
  });
});
