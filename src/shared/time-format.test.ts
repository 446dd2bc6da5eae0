import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatSpoken, formatTime } from './time-format';

describe('times and durations', () => {
  it('counts elapsed seconds with plain arithmetic, however long', () => {
    expect(formatClock(3 * 86_400 + 61)).toBe('72:01:01');
    expect(formatSpoken(2 * 3600 + 7)).toBe('2 hours 7 seconds');
    expect(formatSpoken(3601)).toBe('1 hour 1 second');
    expect(formatSpoken(-5)).toBe('0 seconds');
  });

  it('shows a time of day in local time, and a date with its zone offset', () => {
    const at = new Date(2026, 11, 3, 14, 5, 9).getTime(); // local 14:05:09
    expect(formatTime(at)).toBe('14:05:09');
    const offset = -new Date(at).getTimezoneOffset();
    const sign = offset >= 0 ? '+' : '-';
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    const mm = String(Math.abs(offset) % 60).padStart(2, '0');
    expect(formatDateTime(at)).toBe(`2026-12-03 14:05:09 ${sign}${hh}:${mm}`);
  });
});
