/** Measurement arithmetic, kept pure so bench/lib/stats.test.ts can check it. */

/**
 * The p-th percentile (0..100) of `values` by the nearest-rank method: the smallest value
 * such that at least p% of the values are at or below it. NaN for an empty input.
 * `sorted: true` skips the copy-and-sort when the caller already sorted ascending.
 */
export function percentile(values: ArrayLike<number>, p: number, sorted = false): number {
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile: p must be within 0..100, got ${p}`);
  const n = values.length;
  if (n === 0) return Number.NaN;
  const data = sorted ? values : Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return data[rank - 1] as number;
}

export function median(values: ArrayLike<number>): number {
  const finite = Array.from(values).filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  const mid = finite.length >> 1;
  return finite.length % 2 === 1
    ? (finite[mid] as number)
    : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50, true),
    p95: percentile(sorted, 95, true),
    p99: percentile(sorted, 99, true),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** a / b, or NaN when either is missing or b is zero. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/**
 * Least-squares slope of y over x (units of y per unit of x), for memory growth in a soak.
 * NaN with fewer than two distinct x.
 */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    num += dx * ((ys[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? Number.NaN : num / den;
}
