/**
 * The time windows a supervisor picks for the outcome KPIs (issue 14): the last 15 minutes,
 * the last 60 minutes, or today from midnight in the supervisor's IANA time zone. Time zones
 * are read with `Intl` (ECMAScript, in Node and every browser), so no time zone library or
 * database ships with the app.
 */

export type KpiWindow =
  | { kind: 'last'; minutes: number }
  | { kind: 'today'; timeZone: string }
  /** Every call given, whenever it ended (the caller chose the calls, e.g. an agent's last N). */
  | { kind: 'all' };

export const LAST_15_MINUTES: KpiWindow = { kind: 'last', minutes: 15 };
export const LAST_60_MINUTES: KpiWindow = { kind: 'last', minutes: 60 };
export const ALL_CALLS_GIVEN: KpiWindow = { kind: 'all' };

/** The windows a supervisor picks from, as the settings keep the choice. */
export const KPI_WINDOW_CHOICES = ['15m', '60m', 'today'] as const;
export type KpiWindowChoice = (typeof KPI_WINDOW_CHOICES)[number];
export const DEFAULT_KPI_WINDOW: KpiWindowChoice = '60m';

export function isKpiWindowChoice(value: unknown): value is KpiWindowChoice {
  return typeof value === 'string' && (KPI_WINDOW_CHOICES as readonly string[]).includes(value);
}

/** The window a choice stands for; "today" is in the supervisor's `timeZone`. */
export function kpiWindowFor(choice: KpiWindowChoice, timeZone: string): KpiWindow {
  switch (choice) {
    case '15m':
      return LAST_15_MINUTES;
    case '60m':
      return LAST_60_MINUTES;
    case 'today':
      return { kind: 'today', timeZone };
  }
}

/** The window at a given moment: times `at` with from < at <= to (from <= at when today). */
export interface WindowBounds {
  from: number;
  to: number;
  /** Today starts at midnight itself; a rolling window leaves out its first instant. */
  includesFrom: boolean;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Formatters by time zone: building one costs far more than using it, and a screen asks for
 * the same zone every tick. Bounded, since zone names come from settings.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`"${timeZone}" is not an IANA time zone (e.g. Europe/Paris)`);
    }
    if (formatters.size >= 64) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` names a time zone this runtime knows (settings validate with it). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `at`, as if it were UTC (ms), seconds precision. */
function wallClock(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
}

/** The calendar day in `timeZone` at `at` (days since 1970-01-01 on the wall clock). */
function localDay(at: number, timeZone: string): number {
  return Math.floor(wallClock(at, timeZone) / DAY_MS);
}

/**
 * The first instant (ms) of the calendar day that `now` falls on in `timeZone`: local
 * midnight, or the first instant after it when a daylight-saving change skips midnight
 * (America/Santiago, for one, moves from 23:59:59 to 01:00).
 */
export function startOfDayIn(now: number, timeZone: string): number {
  const day = localDay(now, timeZone);
  // The wall clock at now, back to its midnight, less the zone's offset at now: exact unless
  // the offset changed since midnight, which the check below catches.
  const offset = wallClock(now, timeZone) - Math.floor(now / 1000) * 1000;
  const guess = day * DAY_MS - offset;
  if (guess <= now && localDay(guess, timeZone) === day && localDay(guess - 1, timeZone) < day) {
    return guess;
  }
  // The first instant whose local day is `day`: it lies within a day and a half before now
  // (offsets span -12 h to +14 h).
  let lo = now - DAY_MS - DAY_MS / 2;
  let hi = now;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid, timeZone) >= day) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

/** The bounds of `window` at `now`. */
export function windowBounds(window: KpiWindow, now: number): WindowBounds {
  if (window.kind === 'all') return { from: -Infinity, to: Infinity, includesFrom: true };
  if (window.kind === 'today') {
    return { from: startOfDayIn(now, window.timeZone), to: now, includesFrom: true };
  }
  if (!Number.isFinite(window.minutes) || window.minutes <= 0) {
    throw new RangeError(`a KPI window needs minutes > 0, got ${window.minutes}`);
  }
  return { from: now - window.minutes * 60_000, to: now, includesFrom: false };
}

export function isInWindow(bounds: WindowBounds, at: number): boolean {
  return at <= bounds.to && (bounds.includesFrom ? at >= bounds.from : at > bounds.from);
}
