import { equalJitterBackoffSeconds } from '../../src/backoff';

const settings = (random: number) => ({ baseSeconds: 2, maxSeconds: 300, random: () => random });

describe('equalJitterBackoffSeconds', () => {
  it('doubles the ceiling per delivery and lands between half and all of it', () => {
    expect([1, 2, 3, 4].map((count) => equalJitterBackoffSeconds(count, settings(0)))).toEqual([1, 2, 4, 8]);
    expect([1, 2, 3, 4].map((count) => equalJitterBackoffSeconds(count, settings(0.999)))).toEqual([2, 4, 8, 16]);
  });

  it('never goes above the maximum, even for a huge receive count', () => {
    expect(equalJitterBackoffSeconds(1_000, settings(0.999))).toBe(300);
  });

  it('keeps at least the floor and at least one second', () => {
    expect(equalJitterBackoffSeconds(1, settings(0), 6)).toBe(6);
    expect(equalJitterBackoffSeconds(1, { baseSeconds: 0.1, maxSeconds: 300, random: () => 0 })).toBe(1);
  });
});
