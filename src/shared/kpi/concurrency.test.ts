import { describe, expect, it } from 'vitest';
import { concurrencyOf } from './concurrency';

describe('concurrencyOf', () => {
  it.each<[number, number, string]>([
    [0, 10, 'ok'],
    [7, 10, 'ok'],
    [8, 10, 'amber'],
    [9, 10, 'amber'],
    [10, 10, 'red'],
    [25, 10, 'red'], // burst
    [3, 4, 'ok'], // 75 %
    [4, 5, 'amber'], // exactly 80 %
  ])('%i active of %i is %s', (active, limit, level) => {
    expect(concurrencyOf(active, limit)).toEqual({ active, limit, ratio: active / limit, level });
  });

  it('has no level without a limit', () => {
    expect(concurrencyOf(12, null)).toEqual({ active: 12, limit: null, ratio: null, level: null });
    expect(concurrencyOf(12, undefined).level).toBeNull();
  });

  it.each([0, -1, 2.5, Number.NaN, Infinity])('refuses a limit of %s', (limit) => {
    expect(() => concurrencyOf(1, limit)).toThrow(/whole number >= 1/);
  });
});
