import { useMemo } from 'react';
import { computeOutcomeKpis } from '../../../shared/kpi';
import { formatCount, formatPercent, formatSpoken } from '../lib/format';
import { useCallboard, useNow } from '../store/context';
import { useKpiWindow } from './kpi-window-picker';

const cost = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** "75 % of 8": a share with the count it is a share of. */
function share(ratio: number | null, of: number) {
  return ratio == null ? '–' : `${formatPercent(ratio)} of ${formatCount(of)}`;
}

/**
 * A row per agent over the active calls and the recent window, in the KPI window picked, with
 * the shared outcome KPIs (src/shared/kpi/outcome-kpis.ts): live, done, success rate, share
 * still unknown, average talk time, cost and transfers.
 */
export function AgentsPanel() {
  const calls = useCallboard((s) => s.calls);
  const recent = useCallboard((s) => s.recent);
  const now = useNow();
  const { window, label } = useKpiWindow();
  const agents = useMemo(
    () =>
      computeOutcomeKpis([...Object.values(recent), ...Object.values(calls)], {
        window,
        now,
      }).agents,
    [calls, recent, window, now],
  );
  return (
    <section className="agents" aria-labelledby="agents-heading">
      <h2 id="agents-heading">Agents</h2>
      {agents.length === 0 ? (
        <p className="muted">No agent had a call in the window ({label}).</p>
      ) : (
        <table className="agents-table">
          <caption className="muted">Figures for {label}</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Live</th>
              <th scope="col">Done</th>
              <th scope="col">Success rate</th>
              <th scope="col">Unknown</th>
              <th scope="col">Average talk</th>
              <th scope="col">Cost</th>
              <th scope="col">Transfers</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.agentId} data-agent-id={a.agentId}>
                <th scope="row">{a.agentId}</th>
                <td>{formatCount(a.live)}</td>
                <td>{formatCount(a.ended)}</td>
                <td data-testid="success-rate">{share(a.successRate, a.success + a.failure)}</td>
                <td>{share(a.undecidedShare, a.success + a.failure + a.undecided)}</td>
                <td>
                  {a.avgTalkSeconds == null ? '–' : formatSpoken(Math.round(a.avgTalkSeconds))}
                </td>
                <td>{a.costed > 0 ? cost.format(a.cost) : '–'}</td>
                <td>{formatCount(a.transfers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
