import { isCallEnded } from '../../../shared/domain';
import { quietSince } from '../../../shared/feed/quiet-calls';
import { callDurationSeconds } from '../lib/call-time';
import { UNKNOWN_CONTACT } from '../lib/call-list';
import { formatDateTime, formatSpoken } from '../lib/format';
import { useCallboard, useNow } from '../store/context';
import { QuietNote, StatusBadge } from './call-row';
import { useThresholds } from './tile';
import { Transcript } from './transcript';

const SHOWN = new Set([
  'callSid',
  'status',
  'contactName',
  'to',
  'from',
  'startTime',
  'endTime',
  'agentId',
  'campaignId',
  'duration',
]);

function show(value: unknown): string {
  if (value == null) return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The selected call: every field it carries, including ones this app does not know. */
export function CallDetails() {
  const selected = useCallboard((s) => s.selectedCallSid);
  const entry = useCallboard((s) => (s.selectedCallSid ? s.calls[s.selectedCallSid] : undefined));
  const campaignName = useCallboard((s) => {
    const id = entry?.call.campaignId;
    return id ? (s.campaigns[id]?.campaign.name ?? id) : null;
  });
  const selectCall = useCallboard((s) => s.selectCall);
  const now = useNow();
  const quietAfterMs = useThresholds().quietCallMinutes * 60_000;
  if (!selected) return null;
  const quiet = entry ? quietSince(entry, now, quietAfterMs) : null;
  return (
    <section className="call-details" aria-label="Call details" data-testid="call-details">
      <header>
        <h2>{entry ? entry.call.contactName || UNKNOWN_CONTACT : 'Call details'}</h2>
        <button type="button" onClick={() => selectCall(null)} aria-label="Close call details">
          Close
        </button>
      </header>
      {!entry ? (
        <p className="muted">Call {selected} has ended and left the list.</p>
      ) : (
        <dl>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={entry.call.status} />
            {quiet !== null ? <QuietNote since={quiet} now={now} /> : null}
          </dd>
          <dt>Duration</dt>
          <dd>
            {formatSpoken(
              callDurationSeconds(
                entry,
                isCallEnded(entry.call.status) ? (entry.endedAt ?? now) : now,
              ),
            )}
          </dd>
          <dt>To</dt>
          <dd>{show(entry.call.to)}</dd>
          <dt>From</dt>
          <dd>{show(entry.call.from)}</dd>
          <dt>Started</dt>
          <dd>{entry.call.startTime ? formatDateTime(entry.call.startTime) : '–'}</dd>
          {entry.call.endTime ? (
            <>
              <dt>Ended</dt>
              <dd>{formatDateTime(entry.call.endTime)}</dd>
            </>
          ) : null}
          <dt>Agent</dt>
          <dd>{show(entry.call.agentId)}</dd>
          <dt>Campaign</dt>
          <dd>{campaignName ?? '–'}</dd>
          <dt>Call SID</dt>
          <dd className="mono">{entry.call.callSid}</dd>
          {Object.entries(entry.call)
            .filter(([key]) => !SHOWN.has(key))
            .map(([key, value]) => (
              <div key={key} className="detail-extra">
                <dt>{key}</dt>
                <dd>{show(value)}</dd>
              </div>
            ))}
        </dl>
      )}
      {/* Keyed by call: another call starts with its own scroll, find and announcements. */}
      <Transcript
        key={selected}
        callSid={selected}
        active={entry ? !isCallEnded(entry.call.status) : false}
      />
    </section>
  );
}
