import { describe, expect, it } from 'vitest';
import { createClock } from './clock';

describe('shared clock', () => {
  it('runs one interval however many listeners, and stops with the last', () => {
    const timers: { fn: () => void; cleared: boolean }[] = [];
    let now = 1000;
    const clock = createClock({
      now: () => now,
      setInterval: (fn) => {
        const t = { fn, cleared: false };
        timers.push(t);
        return t;
      },
      clearInterval: (h) => {
        (h as { cleared: boolean }).cleared = true;
      },
    });
    let ticks = 0;
    const stops = Array.from({ length: 500 }, () => clock.subscribe(() => ticks++));
    expect(timers).toHaveLength(1);
    now = 2000;
    timers[0]!.fn();
    expect(clock.now()).toBe(2000);
    expect(ticks).toBe(500);
    stops.forEach((stop) => stop());
    expect(timers[0]!.cleared).toBe(true);
  });
});
