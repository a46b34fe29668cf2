import type { ProviderCallResult } from '@wagw/core/ports';
import { SEND_OUTCOME_UNKNOWN } from './network-failure';

export type RetryClass = Extract<ProviderCallResult, { outcome: 'rejected' }>['retry'];
export type Rejection = Extract<ProviderCallResult, { outcome: 'rejected' }>;

const REDACTED = '[redacted]';

/** Removes the channel's secret wherever a provider might have echoed it back. */
export const redact = (text: string, secret: string): string => (secret === '' ? text : text.split(secret).join(REDACTED));

/** `code: provider message (details)`: the text recorded on the row and logged. */
export const describeProviderError = (code: string, message: string | undefined, details: string | undefined, secret: string): string => {
  const parts = [`${code}: ${message !== undefined && message !== '' ? message : 'no message'}`];
  if (details !== undefined && details !== '' && details !== message) parts.push(`(${details})`);
  return redact(parts.join(' '), secret);
};

/** An answer without a recognisable error body: only its HTTP status can say what to do. */
export const retryClassForStatus = (status: number): RetryClass => {
  if (status === 429 || status >= 500) return 'retryable';
  if (status === 401) return 'token-expired';
  return 'permanent';
};

/** A 2xx that did not carry what a success carries: the provider may have taken the message. */
export const unexpectedSuccess = (provider: string, status: number): ProviderCallResult => ({
  outcome: 'unknown',
  code: SEND_OUTCOME_UNKNOWN,
  message: `${provider} answered HTTP ${status} without a message id; the message may or may not have been accepted`,
});

export const permanent = (code: string, message: string): Rejection => ({ outcome: 'rejected', code, message, retry: 'permanent' });

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const trimBase = (url: string): string => url.replace(/\/+$/, '');
