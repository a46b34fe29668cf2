import { setTimeout as sleep } from 'node:timers/promises';
export interface WaitForOptions {
  /** What is awaited, for the timeout message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}


/**
 * Polls `probe` until it returns something other than undefined (bounded), so tests wait for async
 * results without fixed sleeps. The last probe error, if any, is kept in the timeout message.
 */
export const waitFor = async <T>(probe: () => Promise<T | undefined>, options: WaitForOptions): Promise<T> => {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const intervalMs = options.intervalMs ?? 200;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${options.what}${detail}`);
    }
    await sleep(intervalMs);
  }
};
