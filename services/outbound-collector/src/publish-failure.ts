/** What a failed publish says about its messages, by deduplication id; any message in neither set may or may not be queued. */
export interface ReportedPublishOutcome {
  queued: ReadonlySet<string>;
  notQueued: ReadonlySet<string>;
}

const stringsAt = (error: object, field: string): ReadonlySet<string> => {
  const value: unknown = (error as Record<string, unknown>)[field];
  return new Set(Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []);
};

/**
 * Reads `queuedDeduplicationIds` / `notQueuedDeduplicationIds` of the publisher's QueuePublishError
 * (@wagw/aws) by shape, since use cases do not import adapters. An error that says nothing gives two
 * empty sets: every message is then ambiguous, so no row of the publish may be released.
 */
export const reportedPublishOutcome = (error: unknown): ReportedPublishOutcome => {
  if (typeof error !== 'object' || error === null) return { queued: new Set(), notQueued: new Set() };
  return { queued: stringsAt(error, 'queuedDeduplicationIds'), notQueued: stringsAt(error, 'notQueuedDeduplicationIds') };
};
