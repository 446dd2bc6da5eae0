import { callLifecycle } from '../../../shared/domain/lifecycle';
import type { CallEntry } from '../../../shared/feed/types';

export const ANALYSING = 'analysing…';

/**
 * What the Recent calls panel shows as a call's outcome: its verdict (success / failure /
 * unknown), "analysing…" while a call that ended completed (a conversation happened) has none
 * yet, "–" for a call that gets no analysis (busy, no answer, failed). The same rule as the
 * KPIs' analysable calls (src/shared/kpi/outcome-kpis.ts).
 */
export function outcomeLabel(entry: CallEntry): string {
  const verdict = entry.call.callSuccessful;
  if (verdict != null) return verdict;
  return callLifecycle(entry.call.status).outcome === 'completed' ? ANALYSING : '–';
}
