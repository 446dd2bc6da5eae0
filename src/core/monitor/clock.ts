/**
 * Time as the monitor core sees it, injected so tests drive it by hand and the same core
 * runs in Node (main process, e2e harness) and in a browser (web dashboard).
 */
export type TimerHandle = unknown;

export interface MonitorClock {
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution, for timing work. */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export function systemClock(): MonitorClock {
  return {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** A clock tests move by hand: timers fire only inside advance(). */
export interface ManualClock extends MonitorClock {
  advance(ms: number): void;
  pendingTimers(): number;
}

export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    // Work takes no time on a manual clock.
    monotonic: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
        }
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
      }
      now = end;
    },
    pendingTimers: () => timers.size,
  };
}
