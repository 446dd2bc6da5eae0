import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay } from './backoff';

describe('backoff', () => {
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [6, 16_000],
    [7, 30_000],
    [1_000, 30_000],
    [Number.MAX_SAFE_INTEGER, 30_000],
  ])('attempt %i has ceiling %i ms (500 ms base, 30 s cap)', (attempt, ceiling) => {
    expect(backoffCeiling(attempt)).toBe(ceiling);
    expect(backoffDelay(attempt, () => 0.999999999)).toBe(ceiling);
  });

  it('is full jitter: the wait is random * ceiling', () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.25)).toBe(500);
    expect(backoffDelay(3, () => 0.5)).toBe(1_000);
  });

  it('clamps a broken random source', () => {
    expect(backoffDelay(2, () => -5)).toBe(0);
    expect(backoffDelay(2, () => 7)).toBe(1_000);
    expect(backoffDelay(2, () => Number.NaN)).toBe(0);
  });

  it('honours minMs and custom options', () => {
    const options = { baseMs: 100, capMs: 1_000, minMs: 50 };
    expect(backoffDelay(1, () => 0, options)).toBe(50);
    expect(backoffDelay(4, () => 0.5, options)).toBe(400);
    expect(backoffDelay(9, () => 0.5, options)).toBe(500);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects attempt %s', (attempt) => {
    expect(() => backoffDelay(attempt, Math.random)).toThrow(/attempt must be an integer >= 1/);
  });

  it.each([
    [{ baseMs: -1, capMs: 10 }, /baseMs must be a finite number/],
    [{ baseMs: 1, capMs: Number.NaN }, /capMs must be a finite number/],
    [{ baseMs: 1, capMs: 10, minMs: 20 }, /minMs 20 is above capMs 10/],
  ])('rejects options %j', (options, error) => {
    expect(() => backoffDelay(1, Math.random, options)).toThrow(error);
  });

  it('never waits less than 0 or more than the cap, and grows no faster than doubling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const wait = backoffDelay(attempt, () => r);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
          expect(backoffCeiling(attempt + 1)).toBeLessThanOrEqual(2 * backoffCeiling(attempt));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
