import type { AgentKpis } from '../../../shared/kpi';

/** The Agents panel's columns a supervisor sorts by. */
export type AgentSortKey =
  'agent' | 'live' | 'ended' | 'successRate' | 'undecidedShare' | 'avgTalk' | 'cost' | 'transfers';

export interface AgentSort {
  key: AgentSortKey;
  direction: 'asc' | 'desc';
}

export const DEFAULT_AGENT_SORT: AgentSort = { key: 'agent', direction: 'asc' };

const VALUE: Record<Exclude<AgentSortKey, 'agent'>, (a: AgentKpis) => number | null> = {
  live: (a) => a.live,
  ended: (a) => a.ended,
  successRate: (a) => a.successRate,
  undecidedShare: (a) => a.undecidedShare,
  avgTalk: (a) => a.avgTalkSeconds,
  // The cell shows "–" without a reported cost: sort it with the other blanks, not as 0.
  cost: (a) => (a.costed > 0 ? a.cost : null),
  transfers: (a) => a.transfers,
};

const byAgent = (a: AgentKpis, b: AgentKpis) =>
  a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0;

/**
 * The rows in the order asked. A figure not known yet ("–": no decided call, no cost) sorts
 * last whichever the direction, so the agents the column says something about come first;
 * equal figures keep agent order.
 */
export function sortAgentRows(rows: readonly AgentKpis[], sort: AgentSort): AgentKpis[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  if (sort.key === 'agent') return [...rows].sort((a, b) => sign * byAgent(a, b));
  const value = VALUE[sort.key];
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? byAgent(a, b) : x === null ? 1 : -1;
    return x !== y ? sign * (x - y) : byAgent(a, b);
  });
}
