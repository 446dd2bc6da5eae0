import { describe, expect, it } from 'vitest';
import { formatAgo, formatClock, formatSpan, formatSpoken } from './format';

describe('formatting', () => {
  it.each([
    [0, '0:00'],
    [42, '0:42'],
    [725, '12:05'],
    [3727, '1:02:07'],
    [90_000, '25:00:00'],
    [-5, '0:00'],
  ])('%s seconds on the clock is %s', (seconds, text) => {
    expect(formatClock(seconds)).toBe(text);
  });

  it('speaks durations and distances in words', () => {
    expect(formatSpoken(65)).toBe('1 minute 5 seconds');
    expect(formatSpoken(0)).toBe('0 seconds');
    expect(formatAgo(1000, 6000)).toBe('5 seconds ago');
    expect(formatAgo(7000, 6000)).toBe('0 seconds ago');
    expect(formatSpan(12 * 60_000)).toBe('12 minutes');
  });
});
