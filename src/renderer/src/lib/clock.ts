/**
 * The one clock every live duration reads. A single interval runs while anything listens
 * (however many rows show a duration), and stops when the last listener leaves.
 */
export interface Clock {
  now(): number;
  subscribe(listener: () => void): () => void;
}

export interface ClockOptions {
  intervalMs?: number;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export function createClock(options: ClockOptions = {}): Clock {
  const intervalMs = options.intervalMs ?? 1000;
  const readNow = options.now ?? Date.now;
  const schedule = options.setInterval ?? ((fn, ms) => globalThis.setInterval(fn, ms));
  const cancel =
    options.clearInterval ??
    ((h) => globalThis.clearInterval(h as ReturnType<typeof globalThis.setInterval>));
  const listeners = new Set<() => void>();
  let current = readNow();
  let handle: unknown = null;

  const tick = () => {
    current = readNow();
    for (const listener of [...listeners]) listener();
  };

  return {
    now: () => current,
    subscribe(listener) {
      listeners.add(listener);
      if (handle == null) {
        current = readNow();
        handle = schedule(tick, intervalMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && handle != null) {
          cancel(handle);
          handle = null;
        }
      };
    },
  };
}
