import { callLifecycle } from '../../../shared/domain/lifecycle';
import type { CallEntry } from '../../../shared/feed/types';

export const ANALYSING = 'analysing…';

/** The outcomes a supervisor filters recent calls by. */
export const OUTCOME_FILTERS = ['success', 'failure', 'unknown'] as const;
export type OutcomeFilter = (typeof OUTCOME_FILTERS)[number];

/**
 * Which outcome a call counts as, by the KPIs' rule (src/shared/kpi/outcome-kpis.ts): its
 * verdict; `unknown` also while a call that ended completed (a conversation happened) has
 * none yet, as the KPIs count it undecided; null for a call that gets no analysis (busy, no
 * answer, failed). So "unknown" lists exactly the calls the Agents panel's Unknown counts.
 */
export function outcomeOf(entry: CallEntry): OutcomeFilter | null {
  const verdict = entry.call.callSuccessful;
  if (verdict != null) return verdict;
  return callLifecycle(entry.call.status).outcome === 'completed' ? 'unknown' : null;
}

/**
 * What the Recent calls panel shows as a call's outcome: its verdict (success / failure /
 * unknown), "analysing…" while a call that ended completed has none yet, "–" for a call that
 * gets no analysis (busy, no answer, failed).
 */
export function outcomeLabel(entry: CallEntry): string {
  const verdict = entry.call.callSuccessful;
  if (verdict != null) return verdict;
  return outcomeOf(entry) === 'unknown' ? ANALYSING : '–';
}
