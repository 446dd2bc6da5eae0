import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CALL_STATUSES, type CallStatus } from '../../../shared/domain';
import { createAgentIdsSelector } from '../lib/calls-aggregates';
import { useCallboard } from '../store/context';

export function CallFilters() {
  const filters = useCallboard((s) => s.filters);
  const setFilters = useCallboard((s) => s.setFilters);
  const clearFilters = useCallboard((s) => s.clearFilters);
  const selectAgents = useMemo(() => createAgentIdsSelector(), []);
  const agents = useCallboard((s) => selectAgents(s.calls, s.callsChange));
  const campaigns = useCallboard(
    useShallow((s) =>
      Object.values(s.campaigns)
        .map((e) => `${e.campaign.campaignId}\u0000${e.campaign.name ?? e.campaign.campaignId}`)
        .sort(),
    ),
  );
  const active = filters.status || filters.campaignId || filters.agentId || filters.search;
  return (
    <div className="call-filters" role="search" aria-label="Filter calls">
      <label>
        <span>Search</span>
        <input
          type="search"
          placeholder="Name or number"
          value={filters.search}
          onChange={(e) => setFilters({ search: e.target.value })}
        />
      </label>
      <label>
        <span>Status</span>
        <select
          value={filters.status}
          onChange={(e) => setFilters({ status: e.target.value as CallStatus | '' })}
        >
          <option value="">All</option>
          {CALL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Campaign</span>
        <select
          value={filters.campaignId}
          onChange={(e) => setFilters({ campaignId: e.target.value })}
        >
          <option value="">All</option>
          {campaigns.map((c) => {
            const [id, name] = c.split('\u0000');
            return (
              <option key={id} value={id}>
                {name}
              </option>
            );
          })}
          {filters.campaignId &&
          !campaigns.some((c) => c.startsWith(`${filters.campaignId}\u0000`)) ? (
            <option value={filters.campaignId}>{filters.campaignId}</option>
          ) : null}
        </select>
      </label>
      <label>
        <span>Agent</span>
        <select value={filters.agentId} onChange={(e) => setFilters({ agentId: e.target.value })}>
          <option value="">All</option>
          {agents.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
          {filters.agentId && !agents.includes(filters.agentId) ? (
            <option value={filters.agentId}>{filters.agentId}</option>
          ) : null}
        </select>
      </label>
      <button type="button" onClick={clearFilters} disabled={!active}>
        Clear filters
      </button>
    </div>
  );
}
