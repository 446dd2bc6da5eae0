import { isCallEnded } from '../../../shared/domain';
import { quietSince } from '../../../shared/feed/quiet-calls';
import { callDurationSeconds } from '../lib/call-time';
import { UNKNOWN_CONTACT } from '../lib/call-list';
import { formatDateTime, formatSpoken } from '../lib/format';
import { useCallboard, useNow } from '../store/context';
import { QuietNote, StatusBadge } from './call-row';
import { useThresholds } from './tile';
import { outcomeLabel } from '../lib/outcome';
import type { CallEntry } from '../../../shared/feed/types';
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
  'callSuccessful',
  'evaluationCriteriaResults',
  'transcriptSummary',
  'callSummaryTitle',
  'terminationReason',
  'answeredBy',
  'cost',
  'transferredToHuman',
]);

function show(value: unknown): string {
  if (value == null) return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The selected call: every field it carries, including ones this app does not know. */
export function CallDetails() {
  const selected = useCallboard((s) => s.selectedCallSid);
  // An active call, else one in the recent window (it ended; its analysis may still come).
  const entry = useCallboard((s) =>
    s.selectedCallSid ? (s.calls[s.selectedCallSid] ?? s.recent[s.selectedCallSid]) : undefined,
  );
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
          <Outcome entry={entry} />
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

/** The post-call analysis: verdict, title, summary, each criterion with its rationale. */
function Outcome({ entry }: { entry: CallEntry }) {
  const { call } = entry;
  const criteria = Object.entries(call.evaluationCriteriaResults ?? {});
  return (
    <>
      <dt>Outcome</dt>
      <dd data-testid="details-outcome">{outcomeLabel(entry)}</dd>
      {call.callSummaryTitle ? (
        <>
          <dt>Title</dt>
          <dd>{call.callSummaryTitle}</dd>
        </>
      ) : null}
      {call.transcriptSummary ? (
        <>
          <dt>Summary</dt>
          <dd>{call.transcriptSummary}</dd>
        </>
      ) : null}
      {criteria.length > 0 ? (
        <>
          <dt>Evaluation criteria</dt>
          <dd>
            <ul className="criteria" aria-label="Evaluation criteria">
              {criteria.map(([id, c]) => (
                <li key={id}>
                  <strong>{id}</strong>: {c.result}
                  {c.rationale ? <span className="muted"> – {c.rationale}</span> : null}
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      <dt>Termination reason</dt>
      <dd>{show(call.terminationReason)}</dd>
      <dt>Answered by</dt>
      <dd>{show(call.answeredBy)}</dd>
      <dt>Cost</dt>
      <dd>{show(call.cost)}</dd>
      {call.transferredToHuman != null ? (
        <>
          <dt>Transferred to a human</dt>
          <dd>{call.transferredToHuman ? 'yes' : 'no'}</dd>
        </>
      ) : null}
    </>
  );
}
