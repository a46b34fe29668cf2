import type { OutboundRowRef } from '@wagw/core/ports';

/** What the message-sender passes Meta as callback data (echoed as `biz_opaque_callback_data`). */
const ROW_ATTEMPT = /^outbound:(\d+):(\d+)$/;

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const MAX_INT = 2_147_483_647;

/** A decimal as the gateway writes it: no leading zero. */
const canonical = (digits: string): boolean => digits === '0' || !digits.startsWith('0');

/**
 * The row attempt a receipt's callback data names, or undefined for anything the gateway did not
 * write: a tenant's own callback data, no callback data, or an id outside the BIGINT / INT columns
 * (which the database would refuse for good).
 */
export const rowAttemptOf = (callbackData: unknown): OutboundRowRef | undefined => {
  if (typeof callbackData !== 'string') return undefined;
  const match = ROW_ATTEMPT.exec(callbackData);
  const [, id, attemptDigits] = match ?? [];
  if (id === undefined || attemptDigits === undefined || !canonical(id) || !canonical(attemptDigits)) return undefined;
  if (id.length > 19 || BigInt(id) < 1n || BigInt(id) > MAX_BIGINT) return undefined;
  const attempt = Number(attemptDigits);
  if (attemptDigits.length > 10 || attempt < 1 || attempt > MAX_INT) return undefined;
  return { id, attempt };
};
