/**
 * The one clock every live duration reads. A single interval runs while anything listens
 * (however many rows show a duration), and stops when the last listener leaves.
 */
import { Emitter } from '../../../shared/emitter';

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
  // A listener that throws is reported as the uncaught error it is; the others still tick.
  const listeners = new Emitter<void>((error) =>
    queueMicrotask(() => {
      throw error;
    }),
  );
  let current = readNow();
  let handle: unknown = null;

  const tick = () => {
    current = readNow();
    listeners.emit();
  };

  return {
    now: () => current,
    subscribe(listener) {
      const off = listeners.on(listener);
      if (handle == null) {
        current = readNow();
        handle = schedule(tick, intervalMs);
      }
      return () => {
        off();
        if (listeners.size === 0 && handle != null) {
          cancel(handle);
          handle = null;
        }
      };
    },
  };
}
