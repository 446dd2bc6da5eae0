import type {
  TranscriptSnapshotPayload,
  TranscriptSource,
  TranscriptTurn,
  TranscriptTurnsPayload,
} from '../protocol/transcript';
import type { TranscriptDelta, TranscriptView } from '../monitor';

/**
 * The client's copy of one call's transcript (docs/protocol.md, "Transcripts"), and the one
 * rule for applying the server's payloads to it: a snapshot replaces everything; a batch
 * applies only to the state it follows (`fromSeq` = held seq + 1, same epoch), where a turn
 * whose id is held replaces it (a correction) and `removed` drops turns. Anything else is
 * either already held (ignored: replays overlap) or a hole, and the answer is to subscribe
 * again `since` the held cursor. Turns are kept in the order they were spoken: time in the
 * call, then seq. Pure: the monitor core and the renderer both use it.
 */

export interface TranscriptCursor {
  epoch: string;
  seq: number;
}

export interface CallTranscript {
  callSid: string;
  epoch: string;
  seq: number;
  source: TranscriptSource;
  /** Turns the server left out at the start. */
  truncated: number;
  /** Sorted by compareTurns; one entry per id. */
  turns: readonly TranscriptTurn[];
}

export type TranscriptPayload =
  | { type: 'snapshot'; payload: TranscriptSnapshotPayload }
  | { type: 'turns'; payload: TranscriptTurnsPayload };

export type TranscriptStep =
  | {
      kind: 'applied';
      transcript: CallTranscript;
      /** The whole list was replaced (a snapshot). */
      reset: boolean;
      /** Turns added or corrected by this step (a snapshot: every turn). */
      upserted: TranscriptTurn[];
      removed: string[];
    }
  /** Nothing to do: the payload is already held (a replay overlapping what we have). */
  | { kind: 'ignored'; reason: string }
  /** What is held can no longer be continued: subscribe again, from `since` when set. */
  | { kind: 'resubscribe'; reason: string; since?: TranscriptCursor };

/** Spoken order: time in the call (turns without one last), then seq, then id. */
export function compareTurns(a: TranscriptTurn, b: TranscriptTurn): number {
  const ta = a.timeInCallSecs ?? Number.POSITIVE_INFINITY;
  const tb = b.timeInCallSecs ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * `turns` with `upserted` put in (a held id is replaced unless the held version is newer)
 * and `removed` taken out, sorted. Returns the turns that actually changed.
 */
export function mergeTurns(
  turns: readonly TranscriptTurn[],
  upserted: readonly TranscriptTurn[],
  removed: readonly string[] = [],
  removedAtSeq = Number.POSITIVE_INFINITY,
): { turns: TranscriptTurn[]; upserted: TranscriptTurn[]; removed: string[] } {
  const byId = new Map<string, TranscriptTurn>();
  for (const turn of turns) byId.set(turn.id, turn);
  const changed: TranscriptTurn[] = [];
  const gone: string[] = [];
  for (const id of removed) {
    const held = byId.get(id);
    // A turn changed after the removal (a replay overlapping a later re-add) stays.
    if (held && held.seq <= removedAtSeq) {
      byId.delete(id);
      gone.push(id);
    }
  }
  for (const turn of upserted) {
    const held = byId.get(turn.id);
    // The held version is as new or newer: a replay that overlaps what is held.
    if (held && held.seq >= turn.seq) continue;
    byId.set(turn.id, turn);
    changed.push(turn);
  }
  return { turns: [...byId.values()].sort(compareTurns), upserted: changed, removed: gone };
}

export function cursorOf(transcript: CallTranscript): TranscriptCursor {
  return { epoch: transcript.epoch, seq: transcript.seq };
}

export function applyTranscriptSnapshot(payload: TranscriptSnapshotPayload): TranscriptStep {
  const { turns } = mergeTurns([], payload.turns);
  return {
    kind: 'applied',
    reset: true,
    transcript: {
      callSid: payload.callSid,
      epoch: payload.epoch,
      seq: payload.seq,
      source: payload.source,
      truncated: payload.truncated ?? 0,
      turns,
    },
    upserted: turns,
    removed: [],
  };
}

export function applyTranscriptTurns(
  held: CallTranscript | null,
  payload: TranscriptTurnsPayload,
): TranscriptStep {
  if (!held) return { kind: 'resubscribe', reason: 'turns arrived before any snapshot' };
  if (payload.callSid !== held.callSid) {
    return { kind: 'ignored', reason: `turns of another call (${payload.callSid})` };
  }
  const since = cursorOf(held);
  if (payload.epoch !== held.epoch) {
    return {
      kind: 'resubscribe',
      since,
      reason: `the server's transcript history restarted (epoch ${held.epoch} -> ${payload.epoch})`,
    };
  }
  if (payload.seq <= held.seq) {
    return { kind: 'ignored', reason: `already held up to seq ${held.seq} (got ${payload.seq})` };
  }
  if (payload.fromSeq > held.seq + 1) {
    return {
      kind: 'resubscribe',
      since,
      reason: `missed transcript seq ${held.seq + 1}-${payload.fromSeq - 1}`,
    };
  }
  const merged = mergeTurns(held.turns, payload.turns, payload.removed ?? [], payload.seq);
  return {
    kind: 'applied',
    reset: false,
    transcript: { ...held, seq: payload.seq, turns: merged.turns },
    upserted: merged.upserted,
    removed: merged.removed,
  };
}

export function applyTranscriptPayload(
  held: CallTranscript | null,
  message: TranscriptPayload,
): TranscriptStep {
  return message.type === 'snapshot'
    ? applyTranscriptSnapshot(message.payload)
    : applyTranscriptTurns(held, message.payload);
}

/** The renderer's side: a pushed TranscriptDelta applied to the view it holds. */
export function applyTranscriptDelta(view: TranscriptView, delta: TranscriptDelta): TranscriptView {
  if (delta.callSid !== view.callSid) return view;
  const base = delta.reset ?? view;
  const merged =
    delta.upserted || delta.removed
      ? mergeTurns(base.turns, delta.upserted ?? [], delta.removed ?? []).turns
      : [...base.turns];
  return {
    callSid: view.callSid,
    phase: delta.phase,
    ...(delta.error !== undefined ? { error: delta.error } : {}),
    source: base.source,
    truncated: base.truncated,
    turns: merged,
    at: delta.at,
  };
}
