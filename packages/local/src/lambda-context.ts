import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  functionName: string;
  timeoutMs?: number;
  memoryLimitInMB?: number;
  region?: string;
  /**
   * The invocation's deadline (epoch ms), shared with the caller so it can be moved: local mode's
   * stop() brings it forward, and a handler that watches its remaining time winds down early.
   */
  deadline?: { at: number };
}

/** The Context object Lambda hands a handler: one per invocation, with a fresh request id and deadline. */
export const createLambdaContext = (options: LambdaContextOptions): Context => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = options.deadline ?? { at: Date.now() + timeoutMs };
  const region = options.region ?? 'us-east-1';
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 512),
    awsRequestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline.at - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
