import type { CallEntry } from '../../../shared/feed/types';
import { outcomeOf, type OutcomeFilter } from './outcome';

/** The Recent calls panel's filters; an empty string lets every call through. */
export interface RecentFilters {
  agentId: string;
  campaignId: string;
  outcome: OutcomeFilter | '';
}

export const EMPTY_RECENT_FILTERS: RecentFilters = { agentId: '', campaignId: '', outcome: '' };

/** The calls every filter set lets through (they combine: agent and campaign and outcome). */
export function filterRecent(rows: readonly CallEntry[], filters: RecentFilters): CallEntry[] {
  const { agentId, campaignId, outcome } = filters;
  if (!agentId && !campaignId && !outcome) return [...rows];
  return rows.filter(
    (entry) =>
      (!agentId || entry.call.agentId === agentId) &&
      (!campaignId || entry.call.campaignId === campaignId) &&
      (!outcome || outcomeOf(entry) === outcome),
  );
}

/** The distinct string values of one field over the rows, sorted: a filter's choices. */
export function choicesOf(rows: readonly CallEntry[], field: 'agentId' | 'campaignId'): string[] {
  const seen = new Set<string>();
  for (const entry of rows) {
    const value = entry.call[field];
    if (typeof value === 'string' && value !== '') seen.add(value);
  }
  return [...seen].sort();
}
