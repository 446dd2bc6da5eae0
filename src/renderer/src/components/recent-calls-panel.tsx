import { memo, useMemo, useState } from 'react';
import type { CallEntry } from '../../../shared/feed/types';
import { recentNewestFirst } from '../../../shared/feed/recent-state';
import { callEndedAt } from '../../../shared/kpi';
import { callDurationSeconds } from '../lib/call-time';
import { callNumber, UNKNOWN_CONTACT } from '../lib/call-list';
import { formatCount, formatSpoken, formatTime } from '../lib/format';
import { outcomeLabel } from '../lib/outcome';
import { filterRecent } from '../lib/recent-filter';
import { useCallboard } from '../store/context';
import { StatusBadge } from './call-row';
import { RecentFilterBar } from './recent-filter-bar';
import { activatableRow } from '../lib/row-activation';

/**
 * Rows in the table at first, and added by each "Show more": the window holds up to a few
 * thousand calls, and every outcome that lands re-sorts them; the page keeps its 60 Hz with
 * this many rows in the DOM (docs/performance.md, "Renderer"). Filters and the export cover
 * all of them.
 */
export const RECENT_PAGE = 100;

const cost = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const show = (value: unknown) => (value == null || value === '' ? '–' : String(value));

/**
 * The v2 `recent` window: calls that ended in the server's window, newest end first, with
 * their outcome as it arrives (ElevenLabs' post-call analysis lands after the end). A row
 * opens the call's details. Filters by agent, campaign and outcome combine; the count says how
 * many of the window's calls they let through, and "Export CSV" exports exactly those rows.
 * Without a v2 server it says so, instead of waiting forever.
 */
export function RecentCallsPanel() {
  const recent = useCallboard((s) => s.recent);
  const status = useCallboard((s) => s.recentStatus);
  const selected = useCallboard((s) => s.selectedCallSid);
  const selectCall = useCallboard((s) => s.selectCall);
  const filters = useCallboard((s) => s.recentFilters);
  const all = useMemo(() => recentNewestFirst(Object.values(recent), callEndedAt), [recent]);
  const rows = useMemo(() => filterRecent(all, filters), [all, filters]);
  const [limit, setLimit] = useState(RECENT_PAGE);
  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  return (
    <section className="recent-calls" aria-labelledby="recent-calls-heading">
      <h2 id="recent-calls-heading">Recent calls</h2>
      {status.status === 'unavailable' ? (
        <p role="status" className="muted">
          {status.message ?? 'recent calls need a Callboard v2 server'}
        </p>
      ) : status.status === 'waiting' ? (
        <p role="status" className="muted">
          Loading recent calls…
        </p>
      ) : (
        <RecentFilterBar all={all} rows={rows} />
      )}
      {status.status !== 'live' ? null : all.length === 0 ? (
        <p className="muted">No call ended in the last hour.</p>
      ) : rows.length === 0 ? (
        <p className="muted">No recent call matches the filters.</p>
      ) : (
        <table className="recent-table">
          <thead>
            <tr>
              <th scope="col">Ended</th>
              <th scope="col">To / contact</th>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Outcome</th>
              <th scope="col">Summary</th>
              <th scope="col">Duration</th>
              <th scope="col">Cost</th>
              <th scope="col">Answered by</th>
              <th scope="col">Termination reason</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((entry) => (
              <RecentRow
                key={entry.call.callSid}
                entry={entry}
                selected={selected === entry.call.callSid}
                onOpen={selectCall}
              />
            ))}
          </tbody>
        </table>
      )}
      {status.status === 'live' && rows.length > shown.length ? (
        <p className="recent-more">
          <span className="muted">
            The newest {formatCount(shown.length)} of {formatCount(rows.length)} shown.{' '}
          </span>
          <button type="button" onClick={() => setLimit(limit + RECENT_PAGE)}>
            Show {formatCount(Math.min(RECENT_PAGE, rows.length - shown.length))} more
          </button>
        </p>
      ) : null}
    </section>
  );
}

/**
 * One ended call. A memo row: an outcome landing re-renders its own row only, not the 2,000
 * others of the window (docs/performance.md, "Renderer").
 */
const RecentRow = memo(function RecentRow({
  entry,
  selected,
  onOpen,
}: {
  entry: CallEntry;
  selected: boolean;
  onOpen: (callSid: string) => void;
}) {
  const { call } = entry;
  return (
    <tr
      data-call-sid={call.callSid}
      aria-selected={selected}
      {...activatableRow(() => onOpen(call.callSid))}
    >
      <td>{formatTime(callEndedAt(entry))}</td>
      <td>
        {call.contactName || UNKNOWN_CONTACT}
        <span className="muted"> {callNumber(entry)}</span>
      </td>
      <td>{show(call.agentId)}</td>
      <td>
        <StatusBadge status={call.status} />
      </td>
      <td data-testid="outcome">{outcomeLabel(entry)}</td>
      {/* The title reads at a glance; the whole summary on hover. */}
      <td data-testid="summary" title={call.transcriptSummary ?? undefined}>
        {show(call.callSummaryTitle ?? call.transcriptSummary)}
      </td>
      <td>{formatSpoken(callDurationSeconds(entry, entry.endedAt ?? entry.receivedAt))}</td>
      <td>{typeof call.cost === 'number' ? cost.format(call.cost) : '–'}</td>
      <td>{show(call.answeredBy)}</td>
      <td>{show(call.terminationReason)}</td>
    </tr>
  );
});
