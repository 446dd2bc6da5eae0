/**
 * Waits for a condition checked on each event of a subscription (or a poll), with a timeout
 * that names what was awaited. For integration tests of feeds: no sleeps.
 */
export function waitFor<T>(
  subscribe: (check: () => void) => () => void,
  condition: () => T | undefined | false | null,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let unsubscribe: () => void = () => {};
    let finished = false;
    const finish = (fn: () => void) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      fn();
    };
    const check = () => {
      if (finished) return;
      let value: T | undefined | false | null;
      try {
        value = condition();
      } catch (error) {
        finish(() => reject(error as Error));
        return;
      }
      if (value !== undefined && value !== false && value !== null) {
        const result = value;
        finish(() => resolve(result));
      }
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))),
      timeoutMs,
    );
    // A slow safety net for conditions that change without an event (e.g. a timer-driven state).
    const poll = setInterval(check, 250);
    unsubscribe = subscribe(check);
    check();
  });
}
