import type { OutboundStatus } from '@wagw/contracts';
import { TenantRowInvalidError } from '../../src/errors';
import {
  byId,
  encodeFail,
  encodeLease,
  encodeReap,
  encodeReceipt,
  encodeRefs,
  encodeSendResult,
  encodeStatusEvent,
  SEND_ATTEMPTS_EXHAUSTED,
  SEND_OUTCOME_UNKNOWN,
} from '../../src/outbound-row-codec';
import { aFailedResult, aReceipt, aSentResult, aStatusEvent, at } from '../support/outbound-builders';

describe('outbound row codec', () => {
  it('computes the lease end from the gateway clock', () => {
    expect(encodeLease({ limit: 100, now: at(0), leaseSeconds: 600 })).toEqual({ now: at(0), reserved_until: at(600), limit: 100 });
  });

  it.each([
    ['a limit of 0', { limit: 0, now: at(0), leaseSeconds: 600 }],
    ['a fractional limit', { limit: 1.5, now: at(0), leaseSeconds: 600 }],
    ['a lease of 0 seconds', { limit: 1, now: at(0), leaseSeconds: 0 }],
    ['an invalid now', { limit: 1, now: new Date(Number.NaN), leaseSeconds: 600 }],
  ])('refuses %s', (_name, options) => {
    expect(() => encodeLease(options)).toThrow(TenantRowInvalidError);
  });

  it('keeps row ids as decimal strings, beyond 2^53', () => {
    expect(encodeRefs([{ id: '9223372036854775807', attempt: 3 }])).toEqual([{ id: '9223372036854775807', attempt: 3 }]);
  });

  it.each(['', '-1', '1.0', '0x10', '9223372036854775808', '1 OR 1=1'])('refuses the row id %p', (id) => {
    expect(() => encodeRefs([{ id, attempt: 1 }])).toThrow(TenantRowInvalidError);
  });

  it('ranks a receipt by OUTBOUND_STATUS_RANK and refuses a status the row cannot have', () => {
    expect(encodeReceipt(aReceipt('wamid.X', 'delivered'))).toMatchObject({ status: 'delivered', rank: 4 });
    expect(encodeReceipt(aReceipt('wamid.X', 'read'))).toMatchObject({ status: 'read', rank: 5 });
    expect(() => encodeReceipt(aReceipt('wamid.X', 'played' as OutboundStatus))).toThrow(TenantRowInvalidError);
  });

  it('cuts a long error code to its column and replaces NUL in the error message', () => {
    // Act
    const values = encodeFail({ id: '1', attempt: 1 }, { code: `E${'x'.repeat(100)}`, message: 'bad\u0000json' }, at(0));

    // Assert
    expect(values.error_code).toHaveLength(64);
    expect(values.error_message).toBe('bad\uFFFDjson');
  });

  it('gives an exhausted row a code and a reason that names the limit', () => {
    expect(encodeReap({ now: at(0), expiredBefore: at(-30), maxAttempts: 5 })).toMatchObject({
      now: at(0),
      expired_before: at(-30),
      max_attempts: 5,
      error_code: SEND_ATTEMPTS_EXHAUSTED,
      error_message: expect.stringContaining('5 attempts'),
    });
  });

  it('refuses a reap without a valid expiredBefore', () => {
    expect(() => encodeReap({ now: at(0), expiredBefore: new Date(Number.NaN), maxAttempts: 5 })).toThrow(TenantRowInvalidError);
  });

  it('encodes an accepted send result without its attempt (an acceptance applies whatever attempt sent it), with the failures it may heal', () => {
    const encoded = encodeSendResult(aSentResult({ id: '7', attempt: 2 }, { providerMessageId: 'wamid.A' }));
    expect(encoded.status).toBe('sent');
    expect(encoded.values).not.toHaveProperty('attempt');
    expect(encoded.values).toMatchObject({ id: '7', provider_message_id: 'wamid.A', exhausted_code: SEND_ATTEMPTS_EXHAUSTED, unknown_code: SEND_OUTCOME_UNKNOWN });
  });

  it('encodes a failed send result with its code, reason and time', () => {
    expect(encodeSendResult(aFailedResult({ id: '7', attempt: 2 }))).toEqual({
      status: 'failed',
      values: expect.objectContaining({ id: '7', attempt: 2, error_code: '131026', failed_at: at(100) }),
    });
  });

  it('refuses a status event whose status is wider than its column', () => {
    expect(() => encodeStatusEvent(aStatusEvent({ status: 'x'.repeat(33) }))).toThrow(TenantRowInvalidError);
  });

  it('stores a status event raw item as JSON text', () => {
    expect(encodeStatusEvent(aStatusEvent({ raw: { a: 1 } })).raw).toBe('{"a":1}');
  });

  it('orders decimal ids numerically', () => {
    expect([{ id: '10' }, { id: '9' }, { id: '100' }, { id: '11' }].sort(byId).map((row) => row.id)).toEqual(['9', '10', '11', '100']);
  });
});
