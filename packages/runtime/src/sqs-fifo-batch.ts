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
  /**
   * Milliseconds until the Lambda invocation times out (the context's getRemainingTimeInMillis), read
   * each time it is called; Infinity when the handler was called without a Lambda context.
   */
  remainingTimeMs(): number;
}

export type RecordProcessor = (body: string, context: RecordContext) => Promise<void>;

export type FifoBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * How long a failed record stays hidden before its next delivery. Without it a failed record comes
 * back after the queue's visibility timeout; with it, after `delaySeconds` (an exponential backoff).
 * The later records of its group in the same batch are failed unprocessed and get the same delay:
 * left at the queue's visibility timeout, they would stay in flight and hold the whole group (FIFO
 * delivers nothing of a group while one of its messages is in flight) long after the failed record
 * came back.
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
const groupOf = (record: SQSRecord): string | undefined => record.attributes?.MessageGroupId;

/** The records after `record` in the batch that belong to its message group (the wrapper skips them once it failed). */
const laterOfGroup = (records: readonly SQSRecord[], record: SQSRecord): SQSRecord[] => {
  const group = groupOf(record);
  if (group === undefined) return [];
  const position = records.findIndex((candidate) => candidate.messageId === record.messageId);
  if (position < 0) return [];
  return records.slice(position + 1).filter((later) => groupOf(later) === group);
};

export const createFifoBatchHandler = (processRecord: RecordProcessor, options: FifoBatchHandlerOptions): FifoBatchHandler => {
  const { logger, retryBackoff } = options;

  /**
   * Hides the failed record and the rest of its group in this batch for the backoff. Never throws: a
   * record whose visibility could not be changed simply comes back sooner (or later).
   */
  const delayRetry = async (
    records: readonly SQSRecord[],
    record: SQSRecord,
    error: unknown,
    receiveCount: number,
    recordLogger: Logger,
  ): Promise<void> => {
    if (retryBackoff === undefined) return;
    let seconds: number | undefined;
    try {
      seconds = retryBackoff.delaySeconds(error, receiveCount);
    } catch (delayError) {
      recordLogger.warn({ err: delayError }, 'could not delay the retry; the queue visibility timeout applies');
      return;
    }
    if (seconds === undefined) return;
    const delay = seconds;
    const group = [record, ...laterOfGroup(records, record)];
    await Promise.all(
      group.map(async (member) => {
        try {
          await retryBackoff.setVisibility(member.receiptHandle, delay);
        } catch (visibilityError) {
          const fields = member === record ? { err: visibilityError } : { err: visibilityError, skippedMessageId: member.messageId };
          recordLogger.warn(fields, 'could not delay the retry; the queue visibility timeout applies');
        }
      }),
    );
    recordLogger.debug({ retryInSeconds: delay, groupRecordsDelayed: group.length }, 'retry delayed');
  };

  return async (event, context) => {
    const remainingTimeMs = context === undefined ? () => Number.POSITIVE_INFINITY : () => context.getRemainingTimeInMillis();

    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const groupId = groupOf(record) ?? '';
      const receiveCount = receiveCountOf(record);
      const recordLogger = logger.child({ messageId: record.messageId, groupId, receiveCount });
      try {
        await processRecord(record.body, {
          logger: recordLogger,
          receiveCount,
          messageId: record.messageId,
          groupId,
          receiptHandle: record.receiptHandle,
          remainingTimeMs,
        });
      } catch (error) {
        recordLogger.error(failureFields(error), 'record failed');
        await delayRetry(event.Records, record, error, receiveCount, recordLogger);
        throw error;
      }
    };

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
