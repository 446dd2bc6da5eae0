import { format, formatDistanceStrict, formatDuration, intervalToDuration } from 'date-fns';

/** Dates and durations go through date-fns; numbers and percentages through Intl. */

const pad = (value: number | undefined) => String(value ?? 0).padStart(2, '0');

/** A live-duration cell: "0:42", "12:05", "1:02:07". */
export function formatClock(seconds: number): string {
  const d = intervalToDuration({ start: 0, end: Math.max(0, Math.floor(seconds)) * 1000 });
  const hours = (d.days ?? 0) * 24 + (d.hours ?? 0);
  return hours > 0
    ? `${hours}:${pad(d.minutes)}:${pad(d.seconds)}`
    : `${d.minutes ?? 0}:${pad(d.seconds)}`;
}

/** Words for screen readers and details: "1 minute 5 seconds". */
export function formatSpoken(seconds: number): string {
  const d = intervalToDuration({ start: 0, end: Math.max(0, Math.floor(seconds)) * 1000 });
  return formatDuration(d, { zero: false }) || '0 seconds';
}

export function formatTime(ms: number): string {
  return format(ms, 'HH:mm:ss');
}

export function formatDateTime(value: string | number): string {
  return format(new Date(value), 'yyyy-MM-dd HH:mm:ss');
}

/** "5 seconds ago"; never "in 1 second" when clocks disagree slightly. */
export function formatAgo(ms: number, now: number): string {
  return formatDistanceStrict(Math.min(ms, now), now, { addSuffix: true });
}

/** "12 minutes", for ETAs and retry countdowns. */
export function formatSpan(ms: number): string {
  return formatDistanceStrict(0, Math.max(0, ms));
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export const formatPercent = (ratio: number | null): string =>
  ratio == null ? '–' : percent.format(ratio);
export const formatDecimal = (value: number | null): string =>
  value == null ? '–' : decimal.format(value);
export const formatCount = (value: number): string => integer.format(value);
