import { NotStartedError, ProviderRetryableError } from '../../src/errors';
import { retryDelaySeconds } from '../../src/retry-delay';

const settings = (random: number) => ({ baseSeconds: 2, maxSeconds: 300, random: () => random });

describe('retryDelaySeconds', () => {
  it('doubles the ceiling with each delivery: base·2^(receiveCount-1)', () => {
    // Act
    const highest = [1, 2, 3, 4, 5].map((receiveCount) => retryDelaySeconds(new Error('x'), receiveCount, settings(0.999999)));

    // Assert
    expect(highest).toEqual([2, 4, 8, 16, 32]);
  });

  it('keeps at least half the ceiling (equal jitter) and at least one second', () => {
    // Act
    const lowest = [1, 2, 3, 4, 5].map((receiveCount) => retryDelaySeconds(new Error('x'), receiveCount, settings(0)));

    // Assert
    expect(lowest).toEqual([1, 2, 4, 8, 16]);
  });

  it('never goes above the maximum, however many deliveries', () => {
    // Act
    const delays = [9, 10, 50, 1000].map((receiveCount) => retryDelaySeconds(new Error('x'), receiveCount, settings(0.999999)));

    // Assert
    expect(delays).toEqual([300, 300, 300, 300]);
  });

  it('brings a record the invocation had no time for back after one second, whatever its delivery', () => {
    // Act
    const delays = [1, 5, 9].map((receiveCount) => retryDelaySeconds(new NotStartedError(1_000, 22_000), receiveCount, settings(0.999999)));

    // Assert
    expect(delays).toEqual([1, 1, 1]);
  });

  it('waits at least the minimum delay the provider asked for', () => {
    // Act
    const delay = retryDelaySeconds(new ProviderRetryableError('131056', 'pair rate limit', 6), 1, settings(0));

    // Assert
    expect(delay).toBe(6);
  });

  it('caps even the provider\'s minimum delay at the maximum', () => {
    // Act
    const delay = retryDelaySeconds(new ProviderRetryableError('131049', 'not delivered', 86_400), 1, settings(0));

    // Assert
    expect(delay).toBe(300);
  });

  it('spreads the delays of one delivery count between half the ceiling and the ceiling', () => {
    // Act
    const delays = [0, 0.25, 0.5, 0.75].map((random) => retryDelaySeconds(new Error('x'), 4, settings(random)));

    // Assert
    expect(delays).toEqual([8, 10, 12, 14]);
  });
});
