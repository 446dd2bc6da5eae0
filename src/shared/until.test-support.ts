// Test-only: the one way tests wait for something to become true (never a sleep).
import { vi } from 'vitest';

/**
 * Resolves with `condition()`'s value once it is truthy, checking every `intervalMs` (vitest's
 * `vi.waitFor`); fails naming `what` after `ms`. A condition that throws is retried until then.
 */
export function until<T>(
  condition: () => T | false | null | undefined,
  what: string,
  ms = 5000,
  intervalMs = 5,
): Promise<T> {
  return vi.waitFor(
    () => {
      const value = condition();
      if (value === false || value === null || value === undefined) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      }
      return value;
    },
    { timeout: ms, interval: intervalMs },
  );
}
