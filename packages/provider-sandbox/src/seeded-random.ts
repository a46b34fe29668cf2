/** A number in [0, 1), like Math.random, but reproducible. */
export type RandomSource = () => number;

/** The seed used when the caller gives none, so two runs of one test draw the same numbers. */
export const DEFAULT_SEED = 0x5eed;

/**
 * mulberry32: tiny, fast and good enough to pick which requests a fault hits. The same seed always
 * yields the same sequence, so a test with `probability: 0.2` fails the same requests every run.
 */
export const createSeededRandom = (seed: number = DEFAULT_SEED): RandomSource => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** A copy of `items` in random order (Fisher–Yates). */
export const shuffled = <T>(items: readonly T[], random: RandomSource): T[] => {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
};
