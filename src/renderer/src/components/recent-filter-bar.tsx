import { useMemo } from 'react';
import type { CallEntry } from '../../../shared/feed/types';
import { formatCount } from '../lib/format';
import { OUTCOME_FILTERS, type OutcomeFilter } from '../lib/outcome';
import { choicesOf } from '../lib/recent-filter';
import { useCallboard } from '../store/context';
import { callsExport, ExportCsvButton } from './export-calls';

/** A filter's select, offering the values present and keeping the chosen one if it left. */
function FilterSelect(props: {
  label: string;
  value: string;
  choices: readonly string[];
  onChange(value: string): void;
}) {
  const { label, value, choices, onChange } = props;
  return (
    <label>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
        {value && !choices.includes(value) ? <option value={value}>{value}</option> : null}
      </select>
    </label>
  );
}

/**
 * The Recent calls panel's filters (agent, campaign, outcome; they combine), how many calls
 * they let through of the window's `all`, and "Export CSV" of exactly the `rows` shown.
 */
export function RecentFilterBar({
  all,
  rows,
}: {
  all: readonly CallEntry[];
  rows: readonly CallEntry[];
}) {
  const filters = useCallboard((s) => s.recentFilters);
  const setFilters = useCallboard((s) => s.setRecentFilters);
  const clearFilters = useCallboard((s) => s.clearRecentFilters);
  const agents = useMemo(() => choicesOf(all, 'agentId'), [all]);
  const campaigns = useMemo(() => choicesOf(all, 'campaignId'), [all]);
  const filtering = filters.agentId !== '' || filters.campaignId !== '' || filters.outcome !== '';
  return (
    <>
      <div className="call-filters" role="search" aria-label="Filter recent calls">
        <FilterSelect
          label="Agent"
          value={filters.agentId}
          choices={agents}
          onChange={(agentId) => setFilters({ agentId })}
        />
        <FilterSelect
          label="Campaign"
          value={filters.campaignId}
          choices={campaigns}
          onChange={(campaignId) => setFilters({ campaignId })}
        />
        <FilterSelect
          label="Outcome"
          value={filters.outcome}
          choices={OUTCOME_FILTERS}
          onChange={(outcome) => setFilters({ outcome: outcome as OutcomeFilter | '' })}
        />
        <button type="button" onClick={clearFilters} disabled={!filtering}>
          Clear filters
        </button>
        <ExportCsvButton
          what="recent-calls"
          view="recent"
          disabled={rows.length === 0}
          build={() => callsExport(rows.map((e) => e.call))}
          testId="recent-export-status"
        />
      </div>
      <p className="muted" role="status" data-testid="recent-count">
        {filtering
          ? `${formatCount(rows.length)} of ${formatCount(all.length)} calls`
          : `${formatCount(all.length)} ${all.length === 1 ? 'call' : 'calls'}`}
      </p>
    </>
  );
}
