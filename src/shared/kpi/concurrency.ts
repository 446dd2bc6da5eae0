/**
 * Active calls against the plan's concurrent-call limit (DATA.md, "Capacity and cost"):
 * amber from 80 % of the limit, red at 100 % (burst mode: calls still go through, at double
 * cost, up to 3x the limit; past that they are rejected).
 */
export type ConcurrencyLevel = 'ok' | 'amber' | 'red';

export const CONCURRENCY_AMBER_AT = 0.8;
export const CONCURRENCY_RED_AT = 1;

export interface Concurrency {
  active: number;
  /** The plan limit, or null when none is configured (then there is no ratio or level). */
  limit: number | null;
  /** active / limit (above 1 in burst). */
  ratio: number | null;
  level: ConcurrencyLevel | null;
}

/** The concurrency figure; a limit must be a whole number >= 1 (settings validate it). */
export function concurrencyOf(active: number, limit: number | null | undefined): Concurrency {
  if (limit == null) return { active, limit: null, ratio: null, level: null };
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`the concurrent-call limit must be a whole number >= 1, got ${limit}`);
  }
  const ratio = active / limit;
  const level: ConcurrencyLevel =
    ratio >= CONCURRENCY_RED_AT ? 'red' : ratio >= CONCURRENCY_AMBER_AT ? 'amber' : 'ok';
  return { active, limit, ratio, level };
}

/**
 * The plan limit in force: the server's when it advertises one (`serve --plan-limit`, in its
 * v2 subscribe ack: the operator knows the account's plan), else this app's setting, else none.
 */
export function planLimitFor(
  advertised: number | null | undefined,
  setting: number | null | undefined,
): number | null {
  return advertised ?? setting ?? null;
}
