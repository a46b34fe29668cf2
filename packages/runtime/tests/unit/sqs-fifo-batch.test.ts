import { Writable } from 'node:stream';
import { GatewayError } from '@wagw/core/errors';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogger } from '../../src/logger';
import type { RecordContext, RetryBackoff } from '../../src/sqs-fifo-batch';
import { createFifoBatchHandler } from '../../src/sqs-fifo-batch';

const aRecord = (messageId: string, groupId: string, body: string, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '1700000000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000001',
    SequenceNumber: '1',
    MessageGroupId: groupId,
    MessageDeduplicationId: `dedup-${messageId}`,
  },
  messageAttributes: {},
  md5OfBody: 'x',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:inbound-events.fifo',
  awsRegion: 'us-east-1',
});

const anEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const captureLogger = () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ destination, level: 'debug' }), lines };
};

describe('createFifoBatchHandler', () => {
  it('reports no failures when every record succeeds', async () => {
    // Prepare
    const { logger } = captureLogger();
    const seen: string[] = [];
    const handler = createFifoBatchHandler(async (body) => {
      seen.push(body);
    }, { logger });

    // Act
    const response = await handler(anEvent(aRecord('m1', 'A', 'a1'), aRecord('m2', 'B', 'b1'), aRecord('m3', 'A', 'a2')));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['a1', 'b1', 'a2']);
  });

  it('fails the rest of the failed record\'s group and keeps processing other groups', async () => {
    // Prepare
    const { logger } = captureLogger();
    const seen: string[] = [];
    const handler = createFifoBatchHandler(async (body) => {
      seen.push(body);
      if (body === 'a2') throw new GatewayError('TENANT_DB_UNAVAILABLE', 'tenant t1 database is unavailable', { retryable: true });
    }, { logger });

    // Act
    const response = await handler(
      anEvent(
        aRecord('m1', 'A', 'a1'),
        aRecord('m2', 'A', 'a2'),
        aRecord('m3', 'B', 'b1'),
        aRecord('m4', 'A', 'a3'),
        aRecord('m5', 'B', 'b2'),
        aRecord('m6', 'A', 'a4'),
      ),
    );

    // Assert
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m2', 'm4', 'm6']);
    expect(seen).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('processes records of a group one after another, in order', async () => {
    // Prepare
    const { logger } = captureLogger();
    const events: string[] = [];
    const handler = createFifoBatchHandler(async (body) => {
      events.push(`start ${body}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${body}`);
    }, { logger });

    // Act
    await handler(anEvent(aRecord('m1', 'A', '1'), aRecord('m2', 'A', '2'), aRecord('m3', 'A', '3')));

    // Assert
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('reports every record failed when every group fails, without throwing', async () => {
    // Prepare
    const { logger } = captureLogger();
    const handler = createFifoBatchHandler(async () => {
      throw new Error('driver exploded');
    }, { logger });

    // Act
    const response = await handler(anEvent(aRecord('m1', 'A', 'a'), aRecord('m2', 'B', 'b')));

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });

  it('gives each record its correlation keys and receive count', async () => {
    // Prepare
    const { logger, lines } = captureLogger();
    const contexts: Omit<RecordContext, 'logger' | 'remainingTimeMs'>[] = [];
    const handler = createFifoBatchHandler(async (_body, { logger: recordLogger, remainingTimeMs: _remaining, ...context }) => {
      contexts.push(context);
      recordLogger.info('handled');
    }, { logger });

    // Act
    await handler(anEvent(aRecord('m1', 'A', 'a', 3)));

    // Assert
    expect(contexts).toEqual([{ messageId: 'm1', groupId: 'A', receiveCount: 3, receiptHandle: 'rh-m1' }]);
    expect(lines).toEqual([expect.objectContaining({ msg: 'handled', messageId: 'm1', groupId: 'A', receiveCount: 3 })]);
  });

  it('tells each record how much time the Lambda invocation has left, read when asked', async () => {
    // Prepare: a Lambda context whose clock runs down 1 s per question
    const { logger } = captureLogger();
    let remaining = 5_000;
    const context = { getRemainingTimeInMillis: () => (remaining -= 1_000) } as unknown as Context;
    const seen: number[] = [];
    const handler = createFifoBatchHandler(async (_body, record) => {
      seen.push(record.remainingTimeMs(), record.remainingTimeMs());
    }, { logger });

    // Act
    await handler(anEvent(aRecord('m1', 'A', 'a'), aRecord('m2', 'B', 'b')), context);

    // Assert
    expect(seen).toEqual([4_000, 3_000, 2_000, 1_000]);
  });

  it('gives records no deadline (Infinity) when called without a Lambda context', async () => {
    // Prepare
    const { logger } = captureLogger();
    const seen: number[] = [];
    const handler = createFifoBatchHandler(async (_body, record) => {
      seen.push(record.remainingTimeMs());
    }, { logger });

    // Act
    await handler(anEvent(aRecord('m1', 'A', 'a')));

    // Assert
    expect(seen).toEqual([Number.POSITIVE_INFINITY]);
  });

  it('logs a failure once with its code and retryability, never the body', async () => {
    // Prepare
    const { logger, lines } = captureLogger();
    const body = JSON.stringify({ text: 'private message text', accessToken: 'EAAtokenvalue' });
    const handler = createFifoBatchHandler(async () => {
      throw new GatewayError('TENANT_DB_UNAVAILABLE', 'tenant t1 database is unavailable', { retryable: true });
    }, { logger });

    // Act
    await handler(anEvent(aRecord('m1', 'A', body, 2), aRecord('m2', 'A', body)));

    // Assert
    const failures = lines.filter((line) => line.msg === 'record failed');
    expect(failures).toEqual([
      expect.objectContaining({ messageId: 'm1', groupId: 'A', receiveCount: 2, code: 'TENANT_DB_UNAVAILABLE', retryable: true }),
    ]);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('private message text');
    expect(text).not.toContain('EAAtokenvalue');
  });

  it('keeps the state of concurrent invocations apart', async () => {
    // Prepare
    const { logger } = captureLogger();
    const handler = createFifoBatchHandler(async (body) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (body.startsWith('bad')) throw new Error('nope');
    }, { logger });

    // Act
    const [first, second] = await Promise.all([
      handler(anEvent(aRecord('x1', 'A', 'bad'), aRecord('x2', 'B', 'ok'))),
      handler(anEvent(aRecord('y1', 'C', 'ok'), aRecord('y2', 'C', 'ok'))),
    ]);

    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'x1' }]);
    expect(second.batchItemFailures).toEqual([]);
  });
});

class RateLimited extends GatewayError {
  constructor(readonly minDelaySeconds: number) {
    super('PROVIDER_RATE_LIMITED', 'slow down', { retryable: true });
  }
}

/** A backoff that records what it was asked and what it set. */
const recordingBackoff = (delay: (error: unknown, receiveCount: number) => number | undefined) => {
  const asked: { code: unknown; receiveCount: number }[] = [];
  const set: { receiptHandle: string; seconds: number }[] = [];
  const backoff: RetryBackoff = {
    delaySeconds: (error, receiveCount) => {
      asked.push({ code: error instanceof GatewayError ? error.code : 'other', receiveCount });
      return delay(error, receiveCount);
    },
    setVisibility: async (receiptHandle, seconds) => {
      set.push({ receiptHandle, seconds });
    },
  };
  return { backoff, asked, set };
};

describe('createFifoBatchHandler with a retry backoff', () => {
  it('hides a failed record for the delay computed from its error and receive count', async () => {
    // Prepare
    const { logger } = captureLogger();
    const { backoff, asked, set } = recordingBackoff((error, receiveCount) =>
      Math.max(error instanceof RateLimited ? error.minDelaySeconds : 0, 2 ** receiveCount),
    );
    const handler = createFifoBatchHandler(async (body) => {
      if (body === 'a1') throw new RateLimited(6);
    }, { logger, retryBackoff: backoff });

    // Act
    const response = await handler(anEvent(aRecord('m1', 'A', 'a1', 4), aRecord('m2', 'B', 'b1'), aRecord('m3', 'A', 'a2')));

    // Assert
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m1', 'm3']);
    expect(asked).toEqual([{ code: 'PROVIDER_RATE_LIMITED', receiveCount: 4 }]);
    expect(set).toContainEqual({ receiptHandle: 'rh-m1', seconds: 16 });
  });

  it('hides the later records of the failed record\'s group for the same delay, and no record of another group', async () => {
    // Prepare: A's second record fails; A's third and fourth are skipped unprocessed; B succeeds
    const { logger } = captureLogger();
    const { backoff, asked, set } = recordingBackoff(() => 30);
    const seen: string[] = [];
    const handler = createFifoBatchHandler(async (body) => {
      seen.push(body);
      if (body === 'a2') throw new RateLimited(0);
    }, { logger, retryBackoff: backoff });

    // Act
    const response = await handler(
      anEvent(aRecord('m1', 'A', 'a1'), aRecord('m2', 'A', 'a2'), aRecord('m3', 'B', 'b1'), aRecord('m4', 'A', 'a3'), aRecord('m5', 'A', 'a4')),
    );

    // Assert
    expect(seen).toEqual(['a1', 'a2', 'b1']);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m2', 'm4', 'm5']);
    expect(asked).toHaveLength(1);
    expect([...set].sort((x, y) => x.receiptHandle.localeCompare(y.receiptHandle))).toEqual([
      { receiptHandle: 'rh-m2', seconds: 30 },
      { receiptHandle: 'rh-m4', seconds: 30 },
      { receiptHandle: 'rh-m5', seconds: 30 },
    ]);
  });

  it('uses the error\'s own minimum delay when it is longer than the backoff', async () => {
    // Prepare
    const { logger } = captureLogger();
    const { backoff, set } = recordingBackoff((error) => Math.max(error instanceof RateLimited ? error.minDelaySeconds : 0, 1));
    const handler = createFifoBatchHandler(async () => {
      throw new RateLimited(6);
    }, { logger, retryBackoff: backoff });

    // Act
    await handler(anEvent(aRecord('m1', 'A', 'a1')));

    // Assert
    expect(set).toEqual([{ receiptHandle: 'rh-m1', seconds: 6 }]);
  });

  it('leaves the visibility alone for records that succeed and when the backoff gives no delay', async () => {
    // Prepare
    const { logger } = captureLogger();
    const { backoff, asked, set } = recordingBackoff(() => undefined);
    const handler = createFifoBatchHandler(async (body) => {
      if (body === 'bad') throw new Error('bug');
    }, { logger, retryBackoff: backoff });

    // Act
    const response = await handler(anEvent(aRecord('m1', 'A', 'ok'), aRecord('m2', 'B', 'bad')));

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(asked).toEqual([{ code: 'other', receiveCount: 1 }]);
    expect(set).toEqual([]);
  });

  it('logs a visibility change that fails and still reports the record failed and processes other groups', async () => {
    // Prepare
    const { logger, lines } = captureLogger();
    const seen: string[] = [];
    const handler = createFifoBatchHandler(async (body) => {
      seen.push(body);
      if (body === 'a1') throw new RateLimited(1);
    }, {
      logger,
      retryBackoff: {
        delaySeconds: () => 5,
        setVisibility: () => Promise.reject(new Error('ReceiptHandleIsInvalid')),
      },
    });

    // Act
    const response = await handler(anEvent(aRecord('m1', 'A', 'a1'), aRecord('m2', 'B', 'b1')));

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(seen).toEqual(['a1', 'b1']);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, messageId: 'm1', msg: expect.stringContaining('could not delay the retry'), err: expect.objectContaining({ message: 'ReceiptHandleIsInvalid' }) }),
    );
  });

  it('treats a backoff that throws like a failed visibility change', async () => {
    // Prepare
    const { logger, lines } = captureLogger();
    const handler = createFifoBatchHandler(async () => {
      throw new RateLimited(1);
    }, {
      logger,
      retryBackoff: {
        delaySeconds: () => {
          throw new Error('bad arithmetic');
        },
        setVisibility: async () => undefined,
      },
    });

    // Act
    const response = await handler(anEvent(aRecord('m1', 'A', 'a1')));

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(lines.some((line) => line.msg === 'could not delay the retry; the queue visibility timeout applies')).toBe(true);
  });
});
