import { format } from 'date-fns';

/**
 * The one rule for times and durations on every surface (the screens, the tray, `callboard
 * tail`): a time of day is local time, `HH:mm:ss` (the supervisor's clock; machine-readable
 * output such as `tail --json` keeps ISO-8601 with its zone); an elapsed time is plain
 * arithmetic on seconds, never a calendar function (a duration has no months or DST).
 */

/** A time of day, local: "14:05:09". */
export function formatTime(ms: number): string {
  return format(ms, 'HH:mm:ss');
}

/** A date and time, local, with the zone offset: "2026-12-03 14:05:09 +01:00". */
export function formatDateTime(value: string | number): string {
  return format(new Date(value), 'yyyy-MM-dd HH:mm:ss xxx');
}

function parts(seconds: number) {
  const total = Math.max(0, Math.floor(seconds));
  return {
    hours: Math.floor(total / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A live-duration cell: "0:42", "12:05", "1:02:07", "25:00:00". */
export function formatClock(seconds: number): string {
  const d = parts(seconds);
  return d.hours > 0
    ? `${d.hours}:${pad(d.minutes)}:${pad(d.seconds)}`
    : `${d.minutes}:${pad(d.seconds)}`;
}

/** Words for screen readers and details: "1 minute 5 seconds", "2 hours 7 seconds". */
export function formatSpoken(seconds: number): string {
  const d = parts(seconds);
  const words = (
    [
      [d.hours, 'hour'],
      [d.minutes, 'minute'],
      [d.seconds, 'second'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return words.length > 0 ? words.join(' ') : '0 seconds';
}
