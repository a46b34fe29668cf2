import type { ProviderCallResult } from '@wagw/core/ports';
import { createFifoBatchHandler } from '@wagw/runtime/sqs-fifo-batch';
import type { SQSRecord } from 'aws-lambda';
import { createOutboundRecordProcessor } from '../../src/process-outbound-record';
import { sendMessage } from '../../src/send-message';
import { anOutboundEvent, META_CHANNEL, senderWorld, TENANT } from '../support/builders';
import { capturingLogger } from '../support/fakes';

// Shaped like real tokens; the message text stands for customer content.
const EXPIRED_TOKEN = 'EAAGm0PX4ZCpsBAKZCZBqZCZBZAbZCxZCZBaZBbZCExpiredToken1234567890';
const FRESH_TOKEN = 'EAAGm0PX4ZCpsBAKZCZBqZCZBZAbZCxZCZBaZBbZCFreshToken0987654321';
const CUSTOMER_TEXT = 'Dear Ana, your lab results are ready: HbA1c 5.4%';

const ANSWERS: Record<string, ProviderCallResult[]> = {
  sent: [{ outcome: 'accepted', providerMessageId: 'wamid.OK' }],
  failed: [{ outcome: 'rejected', code: '131026', message: 'Message undeliverable', retry: 'permanent', traceId: 'Atrace131026' }],
  retry: [{ outcome: 'rejected', code: '130429', message: 'Rate limit hit', retry: 'retryable', minDelaySeconds: 2, traceId: 'Atrace130429' }],
  unknown: [{ outcome: 'unknown', code: 'ECONNRESET', message: 'socket hang up' }],
  refreshed: [
    { outcome: 'rejected', code: '190', message: 'Error validating access token', retry: 'token-expired' },
    { outcome: 'accepted', providerMessageId: 'wamid.REFRESHED' },
  ],
};

const sqsRecord = (body: string): SQSRecord => ({
  messageId: 'm-1',
  receiptHandle: 'rh-1',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1760000005000',
    SenderId: 'TEST',
    ApproximateFirstReceiveTimestamp: '1760000005000',
    MessageGroupId: 'g-1',
    MessageDeduplicationId: 'd-1',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:outbound-messages.fifo',
  awsRegion: 'us-east-1',
});

describe('what the sender writes to logs and queues', () => {
  it.each(Object.keys(ANSWERS))('never writes a token or the message text for a %s outcome, in a log line or a published body', async (name) => {
    // Prepare
    const { deps, meta, credentials, results } = senderWorld();
    credentials.tokens = [EXPIRED_TOKEN, FRESH_TOKEN];
    meta.sendAnswers = [...(ANSWERS[name] ?? [])];
    const { logger, text } = capturingLogger();
    const handler = createFifoBatchHandler(createOutboundRecordProcessor(deps), { logger });
    const event = anOutboundEvent({ message: { type: 'text', text: { body: CUSTOMER_TEXT } } });

    // Act
    await handler({ Records: [sqsRecord(JSON.stringify(event))] });

    // Assert
    const written = text() + JSON.stringify(results.published);
    expect(meta.sends.length).toBeGreaterThan(0);
    expect(written).not.toContain(EXPIRED_TOKEN);
    expect(written).not.toContain(FRESH_TOKEN);
    expect(text()).not.toContain(CUSTOMER_TEXT);
  });

  it.each([
    ['sent', 'info', 'sent', undefined, undefined],
    ['failed', 'warn', 'failed', '131026', 'Atrace131026'],
    ['retry', 'warn', 'retry', '130429', 'Atrace130429'],
    ['unknown', 'error', 'unknown', 'SEND_OUTCOME_UNKNOWN', undefined],
  ])('logs one %s line with the row, attempt, provider, channel, outcome, code and trace id', async (name, level, outcome, code, traceId) => {
    // Prepare
    const { deps, meta } = senderWorld();
    meta.sendAnswers = [...(ANSWERS[name] ?? [])];
    const { logger, lines } = capturingLogger();

    // Act
    await sendMessage(deps, anOutboundEvent({ rowId: '77', attempt: 3 }), logger).catch(() => undefined);

    // Assert
    const levels: Record<string, number> = { info: 30, warn: 40, error: 50 };
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: levels[level], tenantId: TENANT, rowId: '77', attempt: 3, provider: 'meta', channelId: META_CHANNEL, outcome });
    expect(lines[0]?.code).toBe(code);
    expect(lines[0]?.traceId).toBe(traceId);
  });
});
