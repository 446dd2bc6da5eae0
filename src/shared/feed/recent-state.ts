import type { Call } from '../domain/schemas';
import type { RecentRemovalReason } from '../protocol/events';
import {
  callRules,
  checkBatchSequence,
  diffKeys,
  Draft,
  emptyEntries,
  upsert,
} from './reducer-parts';
import type { CallEntry, Entries, StreamCursor } from './types';

/**
 * The v2 `recent` window (docs/protocol.md, "Recent calls"): the calls that ended within the
 * server's window, with the outcomes (post-call analysis) that land after the end. Pure, like
 * the list reducer (./reducer), with the same sequence rules (`checkBatchSequence`) and the
 * same persistent entry maps; a message that changes nothing returns the very same state.
 * - a snapshot replaces the window (a stale one, seq below the held seq of the same epoch,
 *   is ignored unless a resync is pending);
 * - a batch upserts ended calls and removes those that left ('expired' | 'active' |
 *   'deleted'); another epoch, a gap or a batch before any snapshot marks `resyncNeeded`,
 *   which the next batch applied in sequence (a replay) or snapshot clears;
 * - the window holds ended calls only: a call the server sends with an active status is not
 *   held (and named in `problems`), since it is on the active list, not in the window.
 */
export interface RecentState {
  calls: Entries<CallEntry>;
  cursor: StreamCursor;
  /** Why the window's history has a hole (the holder must resubscribe without since); else null. */
  resyncNeeded: string | null;
}

export type RecentMessage =
  | { kind: 'snapshot'; calls: Call[]; epoch: string; seq: number; at: number }
  | {
      kind: 'batch';
      calls: Call[];
      removed: { callSid: string; reason: RecentRemovalReason }[];
      epoch: string;
      fromSeq: number;
      seq: number;
      at: number;
    };

export interface RecentChanges {
  upserted: string[];
  removed: string[];
  /** The window was replaced by a snapshot. */
  reset: boolean;
  /** Why the message was ignored (stale snapshot, duplicate, gap, epoch), if it was. */
  ignored?: string;
  /** Calls of the message that were not held, each with why. */
  problems: string[];
}

export interface RecentTransition {
  state: RecentState;
  changes: RecentChanges;
}

export function initialRecentState(): RecentState {
  return {
    calls: emptyEntries<CallEntry>(),
    cursor: { epoch: null, seq: null, synced: false },
    resyncNeeded: null,
  };
}

const unchanged = (state: RecentState, ignored?: string): RecentTransition => ({
  state,
  changes: {
    upserted: [],
    removed: [],
    reset: false,
    problems: [],
    ...(ignored !== undefined ? { ignored } : {}),
  },
});

const notEnded = (call: Call) =>
  `recent: ${call.callSid} has the active status ${JSON.stringify(call.status)}; the window holds ended calls only`;

function applySnapshot(
  state: RecentState,
  message: Extract<RecentMessage, { kind: 'snapshot' }>,
): RecentTransition {
  const { cursor } = state;
  if (
    state.resyncNeeded === null &&
    cursor.epoch === message.epoch &&
    cursor.seq !== null &&
    message.seq < cursor.seq
  ) {
    return unchanged(state, `stale snapshot: seq ${message.seq} < held ${cursor.seq}`);
  }
  const problems: string[] = [];
  const before = state.calls;
  const next = emptyEntries<CallEntry>().withMutations((map) => {
    const draft = new Draft<CallEntry>(map);
    for (const call of message.calls) {
      if (!callRules.isEnded(call)) problems.push(notEnded(call));
      else {
        const held = before.get(call.callSid);
        if (held) draft.set(call.callSid, held); // upsert keeps it when it is the same version
        upsert(callRules, draft, call, message.at, false);
      }
    }
  });
  const diff = diffKeys(before, next, new Set([...before.keys(), ...next.keys()]));
  const calls = diff.upserted.length === 0 && diff.removed.length === 0 ? before : next;
  return {
    state: {
      calls,
      cursor: { epoch: message.epoch, seq: message.seq, synced: true },
      resyncNeeded: null,
    },
    changes: { ...diff, reset: true, problems },
  };
}

function applyBatch(
  state: RecentState,
  message: Extract<RecentMessage, { kind: 'batch' }>,
): RecentTransition {
  const verdict = checkBatchSequence(state.cursor, message);
  if (!verdict.apply) {
    const resyncNeeded = verdict.resync ?? state.resyncNeeded;
    const next = resyncNeeded === state.resyncNeeded ? state : { ...state, resyncNeeded };
    return unchanged(next, verdict.ignored);
  }
  const problems: string[] = [];
  const draft = new Draft<CallEntry>(state.calls);
  for (const call of message.calls) {
    if (callRules.isEnded(call)) upsert(callRules, draft, call, message.at, false);
    else {
      problems.push(notEnded(call));
      draft.delete(call.callSid);
    }
  }
  for (const removal of message.removed) draft.delete(removal.callSid);
  const diff = diffKeys(state.calls, draft.result(), draft.touched);
  return {
    // Applied in sequence: any hole found before is filled (a replay `since` the held seq).
    state: { calls: draft.result(), cursor: verdict.cursor, resyncNeeded: null },
    changes: { ...diff, reset: false, problems },
  };
}

/** Applies one message of the `recent` stream. */
export function applyRecentMessage(state: RecentState, message: RecentMessage): RecentTransition {
  return message.kind === 'snapshot' ? applySnapshot(state, message) : applyBatch(state, message);
}

/** The window's calls, newest end first (the Recent calls panel's order). */
export function recentNewestFirst(
  calls: Iterable<CallEntry>,
  endedAt: (entry: CallEntry) => number,
): CallEntry[] {
  // Each end time read once (it parses a date), not twice per comparison: 2,000 calls sort
  // in well under a millisecond.
  const keyed = [...calls].map((entry) => ({ entry, at: endedAt(entry) }));
  keyed.sort((a, b) => b.at - a.at || (a.entry.call.callSid < b.entry.call.callSid ? -1 : 1));
  return keyed.map((k) => k.entry);
}
