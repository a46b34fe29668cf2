import type { RetryClass } from './call-results';

/**
 * Graph API error codes → what the sender does, after reference §C3. Meta asks callers to key on
 * `error.code` (plus `error_data.details`), not on the HTTP status, which varies for one code.
 * A code that is not listed is permanent: retrying an error nobody understood only repeats it.
 */
interface MetaErrorClass {
  codes: readonly number[];
  retry: RetryClass;
  /** Back off at least this long before the next attempt. */
  minDelaySeconds?: number;
  meaning: string;
}

/** Pair rate limit: one message every 6 s to the same user. */
const PAIR_RATE_LIMIT_SECONDS = 6;

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

// prettier-ignore
export const META_ERROR_CLASSES: readonly MetaErrorClass[] = [
  { codes: [0, 190],                 retry: 'token-expired', meaning: 'access token expired, invalidated or revoked: refresh it once' },
  { codes: [4],                      retry: 'retryable',     meaning: 'app-level API call rate limit' },
  { codes: [80007],                  retry: 'retryable',     meaning: 'WABA rate limit reached' },
  { codes: [130429],                 retry: 'retryable',     meaning: 'number throughput (messages per second) reached' },
  { codes: [131056],                 retry: 'retryable',     meaning: 'pair rate limit: same recipient too fast', minDelaySeconds: PAIR_RATE_LIMIT_SECONDS },
  { codes: [131000],                 retry: 'retryable',     meaning: 'something went wrong (generic)' },
  { codes: [2, 131016, 133004],      retry: 'retryable',     meaning: 'service temporarily unavailable' },
  { codes: [1],                      retry: 'retryable',     meaning: 'Graph "API Unknown": possibly downtime, Graph docs say wait and retry' },
  { codes: [131057],                 retry: 'retryable',     meaning: 'account in maintenance (throughput upgrade, up to a minute)' },
  // Listed so readers find them; unlisted codes are permanent too.
  { codes: [131047],                 retry: 'permanent',     meaning: 're-engagement: 24 h passed since the user last wrote; send a template' },
  { codes: [131049],                 retry: 'permanent',     meaning: 'Meta chose not to deliver; only worth trying after 24 h' },
  { codes: [131048],                 retry: 'permanent',     meaning: 'spam rate limit (number quality)' },
  { codes: [131026],                 retry: 'permanent',     meaning: 'undeliverable (not on WhatsApp, old app, terms not accepted…)' },
  { codes: [131050],                 retry: 'permanent',     meaning: 'user opted out of marketing messages' },
  { codes: [131051],                 retry: 'permanent',     meaning: 'unsupported message type' },
  { codes: [131052, 131053],         retry: 'permanent',     meaning: 'media download / upload error' },
  { codes: range(132000, 132016),    retry: 'permanent',     meaning: 'template missing, paused, disabled or its parameters wrong' },
  { codes: [100, 131008, 131009],    retry: 'permanent',     meaning: 'invalid, missing or unsupported parameter' },
  { codes: [3, 10, 131005, ...range(200, 299)], retry: 'permanent', meaning: 'capability or permission missing' },
  { codes: [131021],                 retry: 'permanent',     meaning: 'recipient is the sender' },
  { codes: [131031],                 retry: 'permanent',     meaning: 'account locked' },
  { codes: [131042],                 retry: 'permanent',     meaning: 'payment issue' },
  { codes: [368],                    retry: 'permanent',     meaning: 'temporarily blocked for policy violations' },
  { codes: [130497],                 retry: 'permanent',     meaning: 'WABA restricted from messaging users in that country' },
  { codes: [133010],                 retry: 'permanent',     meaning: 'business phone number not registered' },
];

const BY_CODE = new Map<number, MetaErrorClass>(META_ERROR_CLASSES.flatMap((entry) => entry.codes.map((code) => [code, entry] as const)));

export interface MetaErrorClassification {
  retry: RetryClass;
  minDelaySeconds?: number;
}

export const classifyMetaErrorCode = (code: number): MetaErrorClassification => {
  const entry = BY_CODE.get(code);
  if (entry === undefined) return { retry: 'permanent' };
  return entry.minDelaySeconds === undefined ? { retry: entry.retry } : { retry: entry.retry, minDelaySeconds: entry.minDelaySeconds };
};
