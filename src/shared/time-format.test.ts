import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatDateTime,
  formatIsoDateTime,
  formatSpoken,
  formatTime,
} from './time-format';

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
    // date-fns, an independent implementation, for the zone offset of this machine.
    expect(formatDateTime(at)).toBe(`2026-12-03 14:05:09 ${format(at, 'xxx')}`);
    for (const iso of ['2026-03-29T01:30:00Z', '2026-10-25T00:59:59Z', '1999-12-31T23:59:59Z']) {
      expect(formatDateTime(iso)).toBe(format(new Date(iso), 'yyyy-MM-dd HH:mm:ss xxx'));
      expect(formatIsoDateTime(iso)).toBe(format(new Date(iso), "yyyy-MM-dd'T'HH:mm:ssxxx"));
    }
  });
});
