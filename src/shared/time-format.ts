/**
 * The one rule for times and durations on every surface (the screens, the tray, `callboard
 * tail`): a time of day is local time, `HH:mm:ss` (the supervisor's clock; machine-readable
 * output such as `tail --json` keeps ISO-8601 with its zone); an elapsed time is plain
 * arithmetic on seconds, never a calendar function (a duration has no months or DST).
 * No library: the main process uses it too, and packs only what it needs.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A time of day, local: "14:05:09". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function localParts(value: string | number) {
  const d = new Date(value);
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return { date, time: formatTime(d.getTime()), zone };
}

/** A date and time, local, with the zone offset: "2026-12-03 14:05:09 +01:00". */
export function formatDateTime(value: string | number): string {
  const { date, time, zone } = localParts(value);
  return `${date} ${time} ${zone}`;
}

/**
 * The same moment as ISO-8601 in local time with its offset, for files other programs read
 * (CSV exports): "2026-12-03T14:05:09+01:00".
 */
export function formatIsoDateTime(value: string | number): string {
  const { date, time, zone } = localParts(value);
  return `${date}T${time}${zone}`;
}

function parts(seconds: number) {
  const total = Math.max(0, Math.floor(seconds));
  return {
    hours: Math.floor(total / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

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
