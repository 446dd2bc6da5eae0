import type { CallEntries } from './call-kpis';
import { callEndedAt } from './call-times';
import { windowBounds, type KpiWindow } from './kpi-window';
import { hasEnded, latestByCall } from './outcome-kpis';

/**
 * Each agent's success rate over time, for the Agents panel's trend sparkline (issue 14):
 * the KPI window cut into `slices` equal slices, oldest first, and in each the success rate
 * (success / (success + failure)) of the agent's calls that ended in it; null for a slice
 * without a decided call (nothing to draw, rather than a rate of 0). The calls counted are
 * the ones computeOutcomeKpis counts in the same window, so the slices add up to its figure.
 */
export interface AgentTrendOptions {
  window: KpiWindow;
  now: number;
  /** How many slices (2 or more): 15 one-minute slices for 15 minutes, say. */
  slices: number;
}

export function agentSuccessTrend(
  calls: CallEntries,
  options: AgentTrendOptions,
): Map<string, (number | null)[]> {
  const { slices, now } = options;
  if (!Number.isSafeInteger(slices) || slices < 2) {
    throw new RangeError(`a success trend needs 2 or more slices, got ${slices}`);
  }
  const bounds = windowBounds(options.window, now);
  if (!Number.isFinite(bounds.from)) {
    throw new RangeError('a success trend needs a window with a start (15 min, 60 min, today)');
  }
  const span = bounds.to - bounds.from;
  const tallies = new Map<string, { success: number[]; decided: number[] }>();
  for (const entry of latestByCall(calls)) {
    const { call } = entry;
    const verdict = call.callSuccessful;
    if (typeof call.agentId !== 'string' || (verdict !== 'success' && verdict !== 'failure')) {
      continue;
    }
    if (!hasEnded(entry)) continue;
    const at = callEndedAt(entry);
    // The window's own rule for its ends (kpi-window.ts): a rolling window leaves out `from`.
    if (at > bounds.to || at < bounds.from || (at === bounds.from && !bounds.includesFrom)) {
      continue;
    }
    // Slice i holds (from + i * span / slices, from + (i + 1) * span / slices]; `from` itself
    // (today's midnight) falls in the first.
    // (Whole milliseconds times slices, then one division: a bound lands exactly on it.)
    const slice =
      span <= 0 ? slices - 1 : Math.max(0, Math.ceil(((at - bounds.from) * slices) / span) - 1);
    let tally = tallies.get(call.agentId);
    if (!tally) {
      tally = { success: new Array(slices).fill(0), decided: new Array(slices).fill(0) };
      tallies.set(call.agentId, tally);
    }
    tally.decided[slice]!++;
    if (verdict === 'success') tally.success[slice]!++;
  }
  const trends = new Map<string, (number | null)[]>();
  for (const [agentId, t] of tallies) {
    trends.set(
      agentId,
      t.decided.map((decided, i) => (decided > 0 ? t.success[i]! / decided : null)),
    );
  }
  return trends;
}
