import { CredentialsUnavailableError, MalformedEventError, TenantDatabaseUnavailableError } from '@wagw/core/errors';
import { retryDelaySeconds, statusRetryBackoff, TENANT_DB_RETRY } from '../../src/retry-delay';

const dbDown = new TenantDatabaseUnavailableError('tenant-a', new Error('connect ECONNREFUSED'));
const withRandom = (value: number) => ({ ...TENANT_DB_RETRY, random: () => value });

describe('status-saver retry delay', () => {
  it('starts at 15 s and caps at 300 s', () => {
    expect(TENANT_DB_RETRY).toEqual({ baseSeconds: 15, maxSeconds: 300 });
  });

  it.each([
    [1, 8, 15],
    [2, 15, 30],
    [3, 30, 60],
    [4, 60, 120],
    [5, 120, 240],
    [6, 150, 300],
    [40, 150, 300],
  ])('hides a record whose tenant database is down, on receive %i, between %i and %i s (jitter)', (receiveCount, lowest, highest) => {
    expect(retryDelaySeconds(dbDown, receiveCount, withRandom(0))).toBe(lowest);
    expect(retryDelaySeconds(dbDown, receiveCount, withRandom(0.999_999))).toBe(highest);
  });

  it('spreads the delays of records that failed together', () => {
    const delays = [0.1, 0.4, 0.7].map((random) => retryDelaySeconds(dbDown, 3, withRandom(random)));

    expect(new Set(delays).size).toBe(3);
  });

  it('treats a missing or zero receive count as the first receive', () => {
    expect(retryDelaySeconds(dbDown, 0, withRandom(0))).toBe(8);
  });

  it.each([
    ['the broker is unavailable', new CredentialsUnavailableError('broker down')],
    ['the event is malformed', new MalformedEventError('not json')],
    ['a driver error', new Error('deadlock detected')],
    ['a thrown string', 'boom'],
  ])("keeps the queue's visibility timeout when %s", (_name, error) => {
    expect(retryDelaySeconds(error, 3, withRandom(0.5))).toBeUndefined();
  });

  it('gives the FIFO wrapper the delay and the visibility change it was built with', async () => {
    // Prepare
    const changed: [string, number][] = [];
    const backoff = statusRetryBackoff(withRandom(0), async (receiptHandle, seconds) => {
      changed.push([receiptHandle, seconds]);
    });

    // Act
    const seconds = backoff.delaySeconds(dbDown, 2);
    await backoff.setVisibility('receipt-1', seconds ?? 0);

    // Assert
    expect(seconds).toBe(15);
    expect(changed).toEqual([['receipt-1', 15]]);
  });
});
