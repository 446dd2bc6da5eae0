/**
 * Exponential backoff with full jitter (the "Full Jitter" variant: a uniformly random wait
 * between 0 and min(cap, base * 2^(attempt-1))), so many clients that lost the same server
 * do not come back in lock-step. Pure: the random source is injected.
 */
export interface BackoffOptions {
  /** Ceiling of the first retry's wait. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /** No wait is shorter than this (0 allows an immediate first retry). */
  minMs?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000, minMs: 0 };

function checkOptions(options: BackoffOptions): void {
  const { baseMs, capMs, minMs = 0 } = options;
  for (const [name, value] of [
    ['baseMs', baseMs],
    ['capMs', capMs],
    ['minMs', minMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`backoff ${name} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  if (minMs > capMs) throw new RangeError(`backoff minMs ${minMs} is above capMs ${capMs}`);
}

function checkAttempt(attempt: number): void {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoff attempt must be an integer >= 1, got ${String(attempt)}`);
  }
}

/** The largest wait for this attempt (1 = first retry): min(cap, base * 2^(attempt-1)). */
export function backoffCeiling(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  checkAttempt(attempt);
  checkOptions(options);
  // 2^52 already exceeds any sane cap; keeps the arithmetic finite.
  const exponent = Math.min(attempt - 1, 52);
  return Math.min(options.capMs, options.baseMs * 2 ** exponent);
}

/**
 * How long to wait (ms) before retry number `attempt` (1-based). `random` returns [0, 1) like
 * Math.random; values outside are clamped, so a broken source cannot produce a negative or
 * over-cap wait.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = backoffCeiling(attempt, options);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  const minMs = options.minMs ?? 0;
  return Math.round(Math.max(minMs, Math.min(options.capMs, unit * ceiling)));
}
