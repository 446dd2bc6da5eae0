import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { TranscriptView } from '../../../shared/monitor';
import type { TranscriptRole, TranscriptTurn } from '../../../shared/protocol/transcript';
import { formatClock } from '../../../shared/time-format';
import { findInTranscript, splitForHighlight, type TranscriptMatch } from '../lib/transcript-find';
import { useCallTranscript } from '../lib/use-transcript';
import { hasScope } from '../../../shared/privacy/granted';
import { useApi, useCallboard } from '../store/context';

export const SPEAKER: Record<TranscriptRole, string> = {
  agent: 'Agent',
  caller: 'Caller',
  other: 'Other',
};

/** How close to the bottom (px) still counts as "at the live end". */
const FOLLOW_SLACK_PX = 24;

const timeLabel = (turn: TranscriptTurn) =>
  turn.timeInCallSecs !== undefined ? formatClock(turn.timeInCallSecs) : '–';

/** What a screen reader hears for a new turn: "Caller, 1:05: I'd like to cancel." */
export const announce = (turn: TranscriptTurn) =>
  `${SPEAKER[turn.role]}, ${timeLabel(turn)}: ${turn.message}`;

/**
 * The open call's transcript (issue 15, "Screen"): who spoke and when in the call, tool calls
 * and transfers as chips, a live marker while the call is active. It follows new turns until
 * the supervisor scrolls up, then offers "Jump to live"; find highlights matches and steps
 * through them; new turns are announced politely, one by one, not the whole list. A token
 * without the `transcripts` scope (issue 19) never asks for one: the server would refuse it,
 * and an empty list would read as "nobody spoke".
 */
export function Transcript({ callSid, active }: { callSid: string; active: boolean }) {
  const mayRead = useCallboard((s) => hasScope(s.connection?.scopes, 'transcripts'));
  if (!mayRead) {
    return (
      <section className="transcript" aria-label="Transcript" data-testid="transcript">
        <TranscriptHeader live={false} />
        <ForbiddenNotice />
      </section>
    );
  }
  return <OpenTranscript callSid={callSid} active={active} />;
}

/** In place of the turns when the token may not read them: why, and what would change it. */
function ForbiddenNotice({ reason }: { reason?: string }) {
  return (
    <div className="transcript-state transcript-forbidden" role="status">
      <p>This token may not read transcripts.</p>
      <p className="muted">
        Ask an admin for a token with the &quot;transcripts&quot; scope.
        {reason ? ` The server said: ${reason}` : ''}
      </p>
    </div>
  );
}

function OpenTranscript({ callSid, active }: { callSid: string; active: boolean }) {
  const load = useCallTranscript(useApi(), callSid);
  // The server refused it for the token's scopes: the notice replaces the turns, not a list.
  const forbidden = load.state === 'ready' && load.view.phase === 'forbidden';
  return (
    <section className="transcript" aria-label="Transcript" data-testid="transcript">
      {load.state !== 'ready' || forbidden ? <TranscriptHeader live={false} /> : null}
      {forbidden ? (
        <ForbiddenNotice {...(load.view.error ? { reason: load.view.error } : {})} />
      ) : load.state === 'loading' ? (
        <p className="transcript-state muted" role="status">
          Loading transcript…
        </p>
      ) : load.state === 'failed' ? (
        <p className="transcript-state transcript-error" role="alert">
          Transcript unavailable: {load.message}
        </p>
      ) : (
        <TranscriptBody view={load.view} active={active} />
      )}
    </section>
  );
}

function TranscriptHeader({ live, children }: { live: boolean; children?: ReactNode }) {
  return (
    <header className="transcript-header">
      <h3>Transcript</h3>
      {live ? (
        <span className="live-marker" data-testid="transcript-live">
          <span aria-hidden="true">●</span> Live
        </span>
      ) : null}
      {children}
    </header>
  );
}

function TranscriptBody({ view, active }: { view: TranscriptView; active: boolean }) {
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const matches = useMemo(() => findInTranscript(view.turns, query), [view.turns, query]);
  const index = matches.length === 0 ? -1 : Math.min(current, matches.length - 1);
  const step = (by: number) => {
    if (matches.length === 0) return;
    setCurrent((index + by + matches.length) % matches.length);
  };
  const live = active && view.phase === 'live';
  return (
    <>
      <TranscriptHeader live={live}>
        {view.turns.length > 0 ? (
          <FindBox
            query={query}
            onQuery={(q) => {
              setQuery(q);
              setCurrent(0);
            }}
            index={index}
            count={matches.length}
            onStep={step}
          />
        ) : null}
      </TranscriptHeader>
      {view.phase === 'error' ? (
        <p className="transcript-state transcript-error" role="alert">
          Transcript unavailable: {view.error ?? 'no reason given'}
        </p>
      ) : null}
      {view.phase === 'reconnecting' ? (
        <p className="transcript-state muted" role="status">
          Reconnecting: the latest turns may be missing.
        </p>
      ) : null}
      {view.phase === 'loading' ? (
        <p className="transcript-state muted" role="status">
          Loading transcript…
        </p>
      ) : view.phase !== 'error' && view.turns.length === 0 ? (
        <p className="transcript-state muted">
          {active
            ? 'No turns yet: they appear here as they are spoken.'
            : 'No transcript for this call.'}
        </p>
      ) : null}
      {view.turns.length > 0 ? (
        <TurnList view={view} matches={matches} currentMatch={index} />
      ) : null}
    </>
  );
}

function FindBox(props: {
  query: string;
  onQuery(query: string): void;
  index: number;
  count: number;
  onStep(by: number): void;
}) {
  const { query, index, count, onStep } = props;
  return (
    <div className="transcript-find" role="search">
      <input
        type="search"
        aria-label="Find in transcript"
        placeholder="Find in transcript"
        value={query}
        onChange={(e) => props.onQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onStep(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape' && query !== '') {
            e.preventDefault();
            props.onQuery('');
          }
        }}
      />
      <span className="transcript-find-count" role="status">
        {query.trim() === '' ? '' : count === 0 ? 'No matches' : `${index + 1} of ${count}`}
      </span>
      <button
        type="button"
        onClick={() => onStep(-1)}
        disabled={count === 0}
        aria-label="Previous match"
      >
        ↑
      </button>
      <button
        type="button"
        onClick={() => onStep(1)}
        disabled={count === 0}
        aria-label="Next match"
      >
        ↓
      </button>
    </div>
  );
}

function TurnList(props: {
  view: TranscriptView;
  matches: TranscriptMatch[];
  currentMatch: number;
}) {
  const { view, matches, currentMatch } = props;
  const list = useRef<HTMLOListElement>(null);
  const [following, setFollowing] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef<Set<string> | null>(null);

  // New turns (not the ones there when the transcript opened): announce, count if not followed.
  useEffect(() => {
    const ids = new Set(view.turns.map((t) => t.id));
    const before = seen.current;
    seen.current = ids;
    if (!before) return;
    const fresh = view.turns.filter((t) => !before.has(t.id));
    if (fresh.length === 0) return;
    setAnnouncement(fresh.map(announce).join('\n'));
    if (!following) setUnseen((n) => n + fresh.length);
  }, [view.turns, following]);

  useLayoutEffect(() => {
    const el = list.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [view.turns, following]);

  useLayoutEffect(() => {
    if (currentMatch < 0) return;
    const el = list.current?.querySelector<HTMLElement>(`[data-match="${currentMatch}"]`);
    el?.scrollIntoView?.({ block: 'nearest' });
  }, [currentMatch, matches]);

  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
    setFollowing(atEnd);
    if (atEnd) setUnseen(0);
  };
  const jumpToLive = () => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
    setFollowing(true);
    setUnseen(0);
    el?.focus();
  };

  return (
    <div className="transcript-scroll">
      {view.truncated > 0 ? (
        <p className="transcript-note muted">
          {view.truncated} earlier {view.truncated === 1 ? 'turn' : 'turns'} not shown
        </p>
      ) : null}
      {view.source === 'post-call' ? (
        <p className="transcript-note muted">From the post-call transcript</p>
      ) : null}
      <ol
        ref={list}
        className="transcript-turns"
        tabIndex={0}
        aria-label="Transcript turns"
        onScroll={onScroll}
      >
        {view.turns.map((turn) => (
          <Turn key={turn.id} turn={turn} matches={matches} currentMatch={currentMatch} />
        ))}
      </ol>
      {!following ? (
        <button type="button" className="jump-to-live" onClick={jumpToLive}>
          Jump to live{unseen > 0 ? ` (${unseen} new)` : ''}
        </button>
      ) : null}
      <div className="sr-only" aria-live="polite" data-testid="transcript-announcer">
        {announcement}
      </div>
    </div>
  );
}

function Turn(props: { turn: TranscriptTurn; matches: TranscriptMatch[]; currentMatch: number }) {
  const { turn, matches, currentMatch } = props;
  const parts = splitForHighlight(turn.message, matches, turn.id);
  return (
    <li className={`transcript-turn role-${turn.role}`} data-turn-id={turn.id}>
      <span className="turn-speaker">{SPEAKER[turn.role]}</span>
      <time className="turn-time mono" aria-label={`at ${timeLabel(turn)} in the call`}>
        {timeLabel(turn)}
      </time>
      <p className="turn-message">
        {parts.map((part, i) =>
          part.match === undefined ? (
            <span key={i}>{part.text}</span>
          ) : (
            <mark
              key={i}
              data-match={part.match}
              className={part.match === currentMatch ? 'is-current' : undefined}
            >
              {part.text}
            </mark>
          ),
        )}
      </p>
      {turn.actions && turn.actions.length > 0 ? (
        <span className="turn-actions">
          {turn.actions.map((action, i) => (
            <span key={i} className={`chip chip-${action.kind}`}>
              {action.kind === 'tool_call' ? 'Tool call' : 'Transfer'}: {action.label}
            </span>
          ))}
        </span>
      ) : null}
    </li>
  );
}
