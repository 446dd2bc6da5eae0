import type { CallEntry } from '../../../shared/feed/types';
import { callEndedAt, type CriterionKpis } from '../../../shared/kpi';
import { callDurationSeconds } from '../lib/call-time';
import { formatCount, formatShare, formatSpoken, formatTime } from '../lib/format';
import { outcomeLabel } from '../lib/outcome';
import { useCallboard } from '../store/context';
import { activatableRow } from '../lib/row-activation';

const cost = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

interface Judgement {
  callSid: string;
  at: number;
  result: string;
  rationale: string | undefined;
}

/** What each of the agent's calls was judged on each criterion, newest call first. */
function judgementsByCriterion(calls: readonly CallEntry[]): Map<string, Judgement[]> {
  const out = new Map<string, Judgement[]>();
  for (const entry of calls) {
    for (const [id, r] of Object.entries(entry.call.evaluationCriteriaResults ?? {})) {
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push({
        callSid: entry.call.callSid,
        at: callEndedAt(entry),
        result: r.result,
        rationale: r.rationale,
      });
    }
  }
  return out;
}

/**
 * One agent's own view in the Agents panel: the pass rate of each evaluation criterion its
 * calls were judged on (the shared KPI's per-agent figures), each opening onto the rationale
 * the analysis gave per call; and its calls that ended in the window, each opening the call's
 * details. `calls` are the calls behind the agent's row (lib/agent-calls.ts).
 */
export function AgentView(props: {
  agentId: string;
  criteria: readonly CriterionKpis[];
  calls: readonly CallEntry[];
  windowLabel: string;
  onClose(): void;
}) {
  const { agentId, criteria, calls, windowLabel, onClose } = props;
  const selectCall = useCallboard((s) => s.selectCall);
  const judgements = judgementsByCriterion(calls);
  const mine = criteria.flatMap((c) => {
    const figures = c.byAgent.find((a) => a.agentId === agentId);
    return figures ? [{ criterionId: c.criterionId, ...figures }] : [];
  });
  return (
    <section className="agent-view" aria-labelledby="agent-view-heading" data-agent-id={agentId}>
      <div className="agent-view-top">
        <h3 id="agent-view-heading">Agent {agentId}</h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <h4>Evaluation criteria, {windowLabel}</h4>
      {mine.length === 0 ? (
        <p className="muted">No evaluation criteria results in the window.</p>
      ) : (
        <ul className="agent-criteria" aria-label="Evaluation criteria">
          {mine.map((c) => {
            const list = judgements.get(c.criterionId) ?? [];
            const latest = list.find((j) => j.rationale)?.rationale;
            return (
              <li key={c.criterionId} data-criterion-id={c.criterionId}>
                <details>
                  <summary title={latest}>
                    <span className="criterion-name">{c.criterionId}</span>{' '}
                    <span data-testid="pass-rate">
                      {formatShare(c.passRate, c.passed + c.failed)}
                    </span>
                    {c.unknown > 0 ? (
                      <span className="muted"> · {formatCount(c.unknown)} unknown</span>
                    ) : null}
                  </summary>
                  <ul className="criterion-rationales">
                    {list.map((j) => (
                      <li key={j.callSid} data-call-sid={j.callSid}>
                        <span className={`criterion-result is-${j.result}`}>{j.result}</span>{' '}
                        <span className="muted">{formatTime(j.at)}</span>{' '}
                        {j.rationale ?? <span className="muted">no rationale given</span>}
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            );
          })}
        </ul>
      )}
      <h4>
        Calls, {windowLabel} ({formatCount(calls.length)})
      </h4>
      {calls.length === 0 ? (
        <p className="muted">No call of this agent ended in the window.</p>
      ) : (
        <div className="table-scroll">
          <table className="agent-calls" aria-label={`Calls of ${agentId}`}>
            <thead>
              <tr>
                <th scope="col">Ended</th>
                <th scope="col">Outcome</th>
                <th scope="col">Summary</th>
                <th scope="col">Duration</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((entry) => {
                const { call } = entry;
                return (
                  <tr
                    key={call.callSid}
                    data-call-sid={call.callSid}
                    {...activatableRow(() => selectCall(call.callSid))}
                  >
                    <td>{formatTime(callEndedAt(entry))}</td>
                    <td data-testid="outcome">{outcomeLabel(entry)}</td>
                    <td title={call.transcriptSummary ?? undefined}>
                      {call.callSummaryTitle ?? call.transcriptSummary ?? '–'}
                    </td>
                    <td>
                      {formatSpoken(callDurationSeconds(entry, entry.endedAt ?? entry.receivedAt))}
                    </td>
                    <td>{typeof call.cost === 'number' ? cost.format(call.cost) : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
