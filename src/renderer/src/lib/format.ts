import { formatDistanceStrict } from 'date-fns';

/** Dates and durations go through date-fns; numbers and percentages through Intl. */

// Times of day and durations: one rule for every surface (src/shared/time-format.ts).
export { formatClock, formatDateTime, formatSpoken, formatTime } from '../../../shared/time-format';

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

/** "75 % of 8": a share with the count it is a share of (issue 14); "–" before the first. */
export const formatShare = (ratio: number | null, of: number): string =>
  ratio == null ? '–' : `${formatPercent(ratio)} of ${formatCount(of)}`;
