import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { isGatewayError } from '@wagw/core/errors';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from './logger';

export interface RecordContext {
  /** Child logger bound with this record's messageId, groupId and receiveCount. */
  logger: Logger;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  messageId: string;
  groupId: string;
  /** For ChangeMessageVisibility (e.g. a retry backoff). */
  receiptHandle: string;
}

export type RecordProcessor = (body: string, context: RecordContext) => Promise<void>;

export type FifoBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * How long a failed record stays hidden before its next delivery. Without it a failed record comes
 * back after the queue's visibility timeout; with it, after `delaySeconds` (an exponential backoff).
 * Only the failed record itself is delayed: the later records of its group cannot be delivered
 * before it (FIFO), so they wait with it.
 */
export interface RetryBackoff {
  /** Seconds until the record's next delivery, or undefined to keep the queue's visibility timeout. */
  delaySeconds(error: unknown, receiveCount: number): number | undefined;
  /** ChangeMessageVisibility of the record (e.g. on the queue the handler consumes). */
  setVisibility(receiptHandle: string, seconds: number): Promise<void>;
}

export interface FifoBatchHandlerOptions {
  logger: Logger;
  retryBackoff?: RetryBackoff;
}

const receiveCountOf = (record: SQSRecord): number => {
  const count = Number.parseInt(record.attributes?.ApproximateReceiveCount ?? '', 10);
  return Number.isFinite(count) && count > 0 ? count : 1;
};

const failureFields = (error: unknown): Record<string, unknown> =>
  isGatewayError(error)
    ? { code: error.code, retryable: error.retryable, err: error }
    : { code: 'UNEXPECTED', retryable: true, err: error };

/**
 * A Lambda handler for an SQS FIFO event source with partial batch responses. Records run in order;
 * a record that throws is reported failed together with the rest of ITS message group in this batch
 * (so the group's order holds on redelivery), while other groups go on being processed.
 */
export const createFifoBatchHandler = (processRecord: RecordProcessor, options: FifoBatchHandlerOptions): FifoBatchHandler => {
  const { logger, retryBackoff } = options;

  /** Never throws: a record whose visibility could not be changed simply comes back sooner. */
  const delayRetry = async (record: SQSRecord, error: unknown, receiveCount: number, recordLogger: Logger): Promise<void> => {
    if (retryBackoff === undefined) return;
    try {
      const seconds = retryBackoff.delaySeconds(error, receiveCount);
      if (seconds === undefined) return;
      await retryBackoff.setVisibility(record.receiptHandle, seconds);
      recordLogger.debug({ retryInSeconds: seconds }, 'retry delayed');
    } catch (visibilityError) {
      recordLogger.warn({ err: visibilityError }, 'could not delay the retry; the queue visibility timeout applies');
    }
  };

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const groupId = record.attributes?.MessageGroupId ?? '';
    const receiveCount = receiveCountOf(record);
    const recordLogger = logger.child({ messageId: record.messageId, groupId, receiveCount });
    try {
      await processRecord(record.body, { logger: recordLogger, receiveCount, messageId: record.messageId, groupId, receiptHandle: record.receiptHandle });
    } catch (error) {
      recordLogger.error(failureFields(error), 'record failed');
      await delayRetry(record, error, receiveCount, recordLogger);
      throw error;
    }
  };

  return async (event, context) => {
    // One processor per invocation: its state must not be shared by concurrent invocations (local pollers).
    const processor = new SqsFifoPartialProcessorAsync();
    const response = await processPartialResponse(event, handleRecord, processor, {
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
      ...(context === undefined ? {} : { context }),
    });
    const failed = response.batchItemFailures.length;
    if (failed > 0) logger.warn({ records: event.Records.length, failed }, 'batch partially failed');
    return { batchItemFailures: response.batchItemFailures.map(({ itemIdentifier }) => ({ itemIdentifier })) };
  };
};
