import type { CallEntry } from '../../../shared/feed/types';
import {
  callEndedAt,
  hasEnded,
  isInWindow,
  latestByCall,
  windowBounds,
  type KpiWindow,
} from '../../../shared/kpi';

/**
 * The ended calls of one agent that the KPIs count in `window` (the same dedupe, end rule and
 * window rule as src/shared/kpi/outcome-kpis.ts), newest end first: the per-agent view lists
 * exactly the calls behind the agent's row.
 */
export function agentCallsInWindow(
  calls: Iterable<CallEntry>,
  agentId: string,
  window: KpiWindow,
  now: number,
): CallEntry[] {
  const bounds = windowBounds(window, now);
  const mine: { entry: CallEntry; at: number }[] = [];
  for (const entry of latestByCall(calls)) {
    if (entry.call.agentId !== agentId || !hasEnded(entry)) continue;
    const at = callEndedAt(entry);
    if (isInWindow(bounds, at)) mine.push({ entry, at });
  }
  return mine.sort((a, b) => b.at - a.at).map((m) => m.entry);
}
