/**
 * Requests the emulator has served since it started (or since the last reset): SQS by action and
 * queue name, S3 by HTTP method. Benchmarks use them to report SQS requests per message without
 * instrumenting every client.
 */
export interface EmulatorRequestCounts {
  /** action (SendMessageBatch, ReceiveMessage…) → queue name → requests. */
  sqs: Record<string, Record<string, number>>;
  /** HTTP method → { requests }. */
  s3: Record<string, Record<string, number>>;
}

export const readRequestCounts = async (endpoint: string): Promise<EmulatorRequestCounts> => {
  const response = await fetch(`${endpoint}/_wagw/request-counts`);
  if (!response.ok) throw new Error(`request counts: HTTP ${response.status}`);
  return (await response.json()) as EmulatorRequestCounts;
};

export const resetRequestCounts = async (endpoint: string): Promise<void> => {
  const response = await fetch(`${endpoint}/_wagw/request-counts`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`request counts reset: HTTP ${response.status}`);
};

/** SQS requests on one queue (by name, e.g. 'outbound-messages.fifo'), all actions together or one. */
export const sqsRequestsOn = (counts: EmulatorRequestCounts, queueName: string, action?: string): number =>
  Object.entries(counts.sqs)
    .filter(([name]) => action === undefined || name === action)
    .reduce((sum, [, byQueue]) => sum + (byQueue[queueName] ?? 0), 0);
