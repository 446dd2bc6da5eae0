import { memo } from 'react';
import { callLifecycle, isCallEnded, unknownStatusLabel } from '../../../shared/domain';
import { quietSince } from '../../../shared/feed/quiet-calls';
import type { CallEntry } from '../../../shared/feed/types';
import { callDurationSeconds } from '../lib/call-time';
import { callNumber, UNKNOWN_CONTACT } from '../lib/call-list';
import { formatAgo, formatClock, formatSpoken, formatTime } from '../lib/format';
import { useCallboard, useNow } from '../store/context';
import { useThresholds } from './tile';

/**
 * A call's status: canonical statuses as they are, a value no mapping knows marked as such
 * (the call stays listed as active until a known ended status arrives).
 */
export function StatusBadge({ status }: { status: string }) {
  if (!callLifecycle(status).known) {
    return (
      <span
        className="status-badge status-unknown-value"
        title="No status mapping knows this value"
      >
        {unknownStatusLabel(status)}
      </span>
    );
  }
  return <span className={`status-badge status-${status}`}>{status}</span>;
}

/** The status, and for a live call quiet past the threshold, when it last changed. */
function StatusCell({ entry }: { entry: CallEntry }) {
  const now = useNow();
  const quietAfterMs = useThresholds().quietCallMinutes * 60_000;
  const since = quietSince(entry, now, quietAfterMs);
  return (
    <>
      <StatusBadge status={entry.call.status} />
      {since !== null ? <QuietNote since={since} now={now} /> : null}
    </>
  );
}

export function QuietNote({ since, now }: { since: number; now: number }) {
  return (
    <span className="quiet-note" data-testid="quiet-note">
      no update since {formatTime(since)} ({formatAgo(since, now)})
    </span>
  );
}

/** Reads the shared clock, so only this cell re-renders each second. */
function LiveDuration({ entry }: { entry: CallEntry }) {
  const now = useNow();
  const seconds = callDurationSeconds(entry, now);
  return <span aria-label={formatSpoken(seconds)}>{formatClock(seconds)}</span>;
}

function FinalDuration({ entry }: { entry: CallEntry }) {
  const seconds = callDurationSeconds(entry, entry.endedAt ?? entry.receivedAt);
  return <span aria-label={formatSpoken(seconds)}>{formatClock(seconds)}</span>;
}

interface CallRowProps {
  callSid: string;
  index: number;
  start: number;
  size: number;
}

/** One row, selecting only its own call: another call's update does not render it. */
export const CallRow = memo(function CallRow({ callSid, index, start, size }: CallRowProps) {
  const entry = useCallboard((s) => s.calls[callSid]);
  const selected = useCallboard((s) => s.selectedCallSid === callSid);
  const campaignName = useCallboard((s) => {
    const id = s.calls[callSid]?.call.campaignId;
    return id ? (s.campaigns[id]?.campaign.name ?? id) : '';
  });
  const selectCall = useCallboard((s) => s.selectCall);
  if (!entry) return null;
  const { call } = entry;
  const ended = isCallEnded(call.status);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      data-call-sid={callSid}
      data-status={call.status}
      className={`call-row${selected ? ' is-selected' : ''}${ended ? ' is-ended' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: size }}
      onClick={() => selectCall(selected ? null : callSid)}
    >
      <span role="gridcell" className="cell-contact">
        {call.contactName || <em>{UNKNOWN_CONTACT}</em>}
      </span>
      <span role="gridcell" className="cell-number">
        {callNumber(entry)}
      </span>
      <span role="gridcell">
        {ended ? <StatusBadge status={call.status} /> : <StatusCell entry={entry} />}
      </span>
      <span role="gridcell" className="cell-duration">
        {ended ? <FinalDuration entry={entry} /> : <LiveDuration entry={entry} />}
      </span>
      <span role="gridcell">{call.agentId ?? '–'}</span>
      <span role="gridcell">{campaignName || '–'}</span>
    </div>
  );
});
