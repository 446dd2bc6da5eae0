/** Exponential backoff with jitter: attempt 1 waits about initialMs, doubling up to maxMs. */
export function backoffDelay(
  attempt: number,
  options: { initialMs?: number; maxMs?: number } = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
