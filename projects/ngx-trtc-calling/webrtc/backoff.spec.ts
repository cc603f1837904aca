import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  const noJitter = () => 0.5;

  it('grows by factor from initialDelay and stops at maxDelay', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, noJitter));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('spreads by ±jitter', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(700);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(1300);
  });

  it('never exceeds maxDelay, even with jitter', () => {
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 1)).toBe(10000);
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 0)).toBe(7000);
  });

  it('stays within bounds for any random draw', () => {
    for (let i = 0; i < 200; i++) {
      const attempt = i % 8;
      const d = backoffDelay(attempt, DEFAULT_BACKOFF);
      const base = Math.min(10000, 500 * 2 ** attempt);
      expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.7));
      expect(d).toBeLessThanOrEqual(Math.min(10000, Math.ceil(base * 1.3)));
    }
  });
});
