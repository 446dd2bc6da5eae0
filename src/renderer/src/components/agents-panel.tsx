import { useMemo } from 'react';
import { agentsToCsv } from '../../../shared/export/agents-csv';
import { agentSuccessTrend, computeOutcomeKpis, type AgentKpis } from '../../../shared/kpi';
import { sortAgentRows, type AgentSortKey } from '../lib/agent-rows';
import { agentCallsInWindow } from '../lib/agent-calls';
import { formatCount, formatShare, formatSpoken } from '../lib/format';
import { selectKpiWindow, TREND_SLICES } from '../lib/kpi-window-choice';
import { useCallboard, useNow, useStoreApi } from '../store/context';
import { AgentView } from './agent-view';
import { ExportCsvButton } from './export-calls';
import { useKpiWindow } from './kpi-window-picker';
import { Sparkline } from './sparkline';
import { activatableRow } from '../lib/row-activation';

const AGENTS = { one: 'agent', many: 'agents' };
const cost = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

const COLUMNS: { key: AgentSortKey | null; label: string }[] = [
  { key: 'agent', label: 'Agent' },
  { key: 'live', label: 'Live' },
  { key: 'ended', label: 'Done' },
  { key: 'successRate', label: 'Success rate' },
  { key: null, label: 'Trend' },
  { key: 'undecidedShare', label: 'Unknown' },
  { key: 'avgTalk', label: 'Average talk' },
  { key: 'cost', label: 'Cost' },
  { key: 'transfers', label: 'Transfers' },
];

function SortHeader({ column }: { column: (typeof COLUMNS)[number] }) {
  const sort = useCallboard((s) => s.agentSort);
  const sortAgentsBy = useCallboard((s) => s.sortAgentsBy);
  const { key, label } = column;
  if (key === null) return <th scope="col">{label}</th>;
  const active = sort.key === key;
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      {/* A button, so a click and Enter (or Space) sort alike. */}
      <button type="button" onClick={() => sortAgentsBy(key)}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
        </span>
      </button>
    </th>
  );
}

/** How the table shows an agent's figures ("–" where there is nothing to show yet). */
const agentCells = {
  successRate: (a: AgentKpis) => formatShare(a.successRate, a.success + a.failure),
  undecided: (a: AgentKpis) => formatShare(a.undecidedShare, a.success + a.failure + a.undecided),
  avgTalk: (a: AgentKpis) =>
    a.avgTalkSeconds == null ? '–' : formatSpoken(Math.round(a.avgTalkSeconds)),
  cost: (a: AgentKpis) => (a.costed > 0 ? cost.format(a.cost) : '–'),
};

/**
 * A row per agent over the active calls and the recent window, in the KPI window picked, with
 * the shared outcome KPIs (src/shared/kpi/outcome-kpis.ts): live, done, success rate and its
 * trend, share still unknown, average talk time, cost and transfers. Sortable by any figure;
 * a row opens the agent's own view (its criteria and calls) below the table.
 * Like the outcome tiles, computed on the clock tick (and when the window changes), not per
 * delta: at 2,000 row updates/s a full pass per batch would cost more than the frame.
 */
export function AgentsPanel() {
  const store = useStoreApi();
  const sort = useCallboard((s) => s.agentSort);
  const selected = useCallboard((s) => s.selectedAgentId);
  const selectAgent = useCallboard((s) => s.selectAgent);
  const choice = useCallboard(selectKpiWindow);
  const now = useNow();
  const { window, label } = useKpiWindow();
  const { held, kpis, trends } = useMemo(() => {
    const { calls, recent } = store.getState();
    const held = [...Object.values(recent), ...Object.values(calls)];
    return {
      held,
      kpis: computeOutcomeKpis(held, { window, now }),
      trends: agentSuccessTrend(held, { window, now, slices: TREND_SLICES[choice] }),
    };
  }, [store, window, now, choice]);
  const rows = useMemo(() => sortAgentRows(kpis.agents, sort), [kpis, sort]);
  const selectedCalls = useMemo(
    () => (selected === null ? [] : agentCallsInWindow(held, selected, window, now)),
    [held, selected, window, now],
  );
  const toggle = (agentId: string) => selectAgent(selected === agentId ? null : agentId);
  return (
    <section className="agents" aria-labelledby="agents-heading">
      <h2 id="agents-heading">Agents</h2>
      <ExportCsvButton
        what="agents"
        view="agents"
        disabled={rows.length === 0}
        // The rows as the table shows them: in the window picked, in the sort order.
        build={() => ({ csv: agentsToCsv(rows, kpis.window), count: rows.length, noun: AGENTS })}
        testId="agents-export-status"
      />
      {rows.length === 0 ? (
        <p className="muted">No agent had a call in the window ({label}).</p>
      ) : (
        // A narrow side panel scrolls the table sideways rather than cutting columns off.
        <div className="table-scroll">
          <table className="agents-table">
            <caption className="muted">
              Figures for {label}
              {/* The screen holds ended calls only as far back as the server's window. */}
              {choice === 'today' ? ', as far back as the server holds ended calls' : null}
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <SortHeader key={c.label} column={c} />
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr
                  key={a.agentId}
                  data-agent-id={a.agentId}
                  aria-selected={selected === a.agentId}
                  {...activatableRow(() => toggle(a.agentId))}
                >
                  <th scope="row">{a.agentId}</th>
                  <td>{formatCount(a.live)}</td>
                  <td>{formatCount(a.ended)}</td>
                  <td data-testid="success-rate">{agentCells.successRate(a)}</td>
                  <td>
                    <Sparkline
                      values={trends.get(a.agentId) ?? []}
                      max={1}
                      label={`${a.agentId}: success rate over ${label}, oldest first`}
                    />
                  </td>
                  <td>{agentCells.undecided(a)}</td>
                  <td>{agentCells.avgTalk(a)}</td>
                  <td>{agentCells.cost(a)}</td>
                  <td>{formatCount(a.transfers)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected !== null ? (
        <AgentView
          agentId={selected}
          criteria={kpis.criteria}
          calls={selectedCalls}
          windowLabel={label}
          onClose={() => selectAgent(null)}
        />
      ) : null}
    </section>
  );
}
