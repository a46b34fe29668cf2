import { Writable } from 'node:stream';
import { GatewayError } from '@wagw/core/errors';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogger } from '../../src/logger';
import type { RecordContext } from '../../src/sqs-fifo-batch';
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
    const contexts: Omit<RecordContext, 'logger'>[] = [];
    const handler = createFifoBatchHandler(async (_body, { logger: recordLogger, ...context }) => {
      contexts.push(context);
      recordLogger.info('handled');
    }, { logger });

    // Act
    await handler(anEvent(aRecord('m1', 'A', 'a', 3)));

    // Assert
    expect(contexts).toEqual([{ messageId: 'm1', groupId: 'A', receiveCount: 3 }]);
    expect(lines).toEqual([expect.objectContaining({ msg: 'handled', messageId: 'm1', groupId: 'A', receiveCount: 3 })]);
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
