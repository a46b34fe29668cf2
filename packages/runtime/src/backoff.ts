export interface BackoffSettings {
  /** Upper bound of the first retry's delay, before jitter. */
  baseSeconds: number;
  /** No delay is longer. */
  maxSeconds: number;
  /** [0, 1); Math.random in production, fixed in tests. */
  random: () => number;
}

/**
 * Exponential backoff with equal jitter for the `receiveCount`-th delivery: between half and all of
 * min(max, base·2^(receiveCount−1)) seconds, never below `floorSeconds` nor 1 s (0 would redeliver at
 * once), never above max. Equal jitter keeps records that failed together from all coming back at once.
 */
export const equalJitterBackoffSeconds = (receiveCount: number, settings: BackoffSettings, floorSeconds = 0): number => {
  const exponent = Math.max(0, receiveCount - 1);
  const ceiling = Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.min(exponent, 30));
  const jittered = ceiling / 2 + settings.random() * (ceiling / 2);
  return Math.min(settings.maxSeconds, Math.ceil(Math.max(jittered, floorSeconds, 1)));
};
