/** Latest instant whose ISO form is a plain `YYYY-…Z` string (the contracts' datetime format). */
const MAX_SECONDS = 253_402_300_799;

/**
 * ISO-8601 instant from a provider's Unix-seconds timestamp (Meta sends a digit string, Whapi a number
 * or a string). Undefined when absent or not a plausible timestamp.
 */
export const unixSecondsToIso = (value: unknown): string | undefined => {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) seconds = Number(value);
  else return undefined;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_SECONDS) return undefined;
  return new Date(Math.floor(seconds * 1000)).toISOString();
};
