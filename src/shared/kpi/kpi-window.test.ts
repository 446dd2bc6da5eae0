import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isInWindow,
  isKpiWindowChoice,
  isTimeZone,
  kpiWindowFor,
  LAST_15_MINUTES,
  startOfDayIn,
  windowBounds,
} from './kpi-window';

const at = (iso: string) => Date.parse(iso);

describe('startOfDayIn', () => {
  it.each<[string, string, string]>([
    ['UTC', '2026-12-04T01:30:00Z', '2026-12-04T00:00:00Z'],
    ['Europe/Paris', '2026-12-04T01:30:00Z', '2026-12-04T00:00:00+01:00'],
    // 23:30 UTC is already tomorrow in Paris.
    ['Europe/Paris', '2026-12-03T23:30:00Z', '2026-12-04T00:00:00+01:00'],
    ['America/New_York', '2026-12-04T03:00:00Z', '2026-12-03T00:00:00-05:00'],
    ['Asia/Kolkata', '2026-12-04T20:00:00Z', '2026-12-05T00:00:00+05:30'],
    ['Pacific/Chatham', '2026-12-04T12:00:00Z', '2026-12-05T00:00:00+13:45'],
    // Daylight saving started at 02:00 this morning: midnight was still at +01:00.
    ['Europe/Paris', '2026-03-29T15:00:00Z', '2026-03-29T00:00:00+01:00'],
    // ... and ended at 03:00 this morning: midnight was at +02:00.
    ['Europe/Paris', '2026-10-25T15:00:00Z', '2026-10-25T00:00:00+02:00'],
    // Chile skips midnight when daylight saving starts: the day begins at 01:00 (-03:00).
    ['America/Santiago', '2026-09-06T15:00:00Z', '2026-09-06T01:00:00-03:00'],
    // ... and repeats the hour before midnight when it ends: the day begins after it.
    ['America/Santiago', '2026-04-05T15:00:00Z', '2026-04-05T00:00:00-04:00'],
  ])('in %s at %s the day began at %s', (zone, now, start) => {
    expect(new Date(startOfDayIn(at(now), zone)).toISOString()).toBe(
      new Date(at(start)).toISOString(),
    );
  });

  it('gives the instant itself at midnight', () => {
    const midnight = at('2026-12-04T00:00:00+01:00');
    expect(startOfDayIn(midnight, 'Europe/Paris')).toBe(midnight);
    expect(startOfDayIn(midnight - 1, 'Europe/Paris')).toBe(midnight - 24 * 3_600_000);
  });

  // Fixed offsets (no daylight saving) have a closed form to check against.
  const FIXED: [string, number][] = [
    ['UTC', 0],
    ['Asia/Kolkata', 330],
    ['Asia/Kathmandu', 345],
    ['Etc/GMT+10', -600],
    ['Pacific/Kiritimati', 840],
  ];
  it('matches the closed form in zones without daylight saving', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.constantFrom(...FIXED),
        (now, [zone, minutes]) => {
          const offset = minutes * 60_000;
          const day = 24 * 3_600_000;
          const expected = Math.floor((now + offset) / day) * day - offset;
          expect(startOfDayIn(now, zone)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a time zone that does not exist, by name', () => {
    expect(() => startOfDayIn(0, 'Mars/Olympus_Mons')).toThrow(
      '"Mars/Olympus_Mons" is not an IANA time zone (e.g. Europe/Paris)',
    );
  });
});

describe('isTimeZone', () => {
  it.each<[unknown, boolean]>([
    ['Europe/Paris', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    [42, false],
    [null, false],
  ])('%j -> %s', (zone, ok) => {
    expect(isTimeZone(zone)).toBe(ok);
  });
});

describe('windowBounds', () => {
  const now = at('2026-12-04T10:00:00Z');

  it('leaves out the first instant of a rolling window, keeps midnight in today', () => {
    const last15 = windowBounds(LAST_15_MINUTES, now);
    expect(last15).toEqual({ from: now - 15 * 60_000, to: now, includesFrom: false });
    expect(isInWindow(last15, now - 15 * 60_000)).toBe(false);
    expect(isInWindow(last15, now - 15 * 60_000 + 1)).toBe(true);
    expect(isInWindow(last15, now + 1)).toBe(false);
    const today = windowBounds({ kind: 'today', timeZone: 'UTC' }, now);
    expect(today).toEqual({ from: at('2026-12-04T00:00:00Z'), to: now, includesFrom: true });
    expect(isInWindow(today, today.from)).toBe(true);
    expect(isInWindow(today, today.from - 1)).toBe(false);
  });

  it.each([0, -5, Number.NaN])('refuses a window of %s minutes', (minutes) => {
    expect(() => windowBounds({ kind: 'last', minutes }, now)).toThrow(/minutes > 0/);
  });
});

describe('KPI window choices', () => {
  it.each([
    ['15m', { kind: 'last', minutes: 15 }],
    ['60m', { kind: 'last', minutes: 60 }],
    ['today', { kind: 'today', timeZone: 'Europe/Paris' }],
  ] as const)('%s is the window %j', (choice, window) => {
    expect(isKpiWindowChoice(choice)).toBe(true);
    expect(kpiWindowFor(choice, 'Europe/Paris')).toEqual(window);
  });

  it.each(['week', '', '15', 'TODAY', null, 15, '__proto__'])('%j is no choice', (value) => {
    expect(isKpiWindowChoice(value)).toBe(false);
  });
});
