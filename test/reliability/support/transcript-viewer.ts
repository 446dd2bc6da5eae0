/**
 * A supervisor with one call's details open, as the apps hold it: the real RemoteFeed
 * (socket.io-client, its own reconnect) under the real monitor core, whose transcript session
 * subscribes again `since` its cursor after a reconnect or a hole; the TranscriptDeltas it
 * pushes are applied with the renderer's `applyTranscriptDelta`, so `view()` is what the call
 * details show. The feed's transcript port is wrapped only to watch what the server sent:
 * every turn's (epoch, id, seq) is remembered, so a turn sent twice outside a snapshot counts
 * as repeated and a batch that skips seqs as a gap, whatever the client then does about it.
 */
import type { Db } from 'mongodb';
import { createRemoteFeed } from '../../../src/core/feed/remote-feed';
import type { TranscriptPort } from '../../../src/core/feed/transcript-port';
import { systemClock } from '../../../src/core/monitor/clock';
import { createMonitorCore } from '../../../src/core/monitor/monitor-core';
import { createAlertsPort } from '../../../src/core/monitor/shared-alerts';
import { applyTranscriptDelta } from '../../../src/shared/feed/transcript-state';
import { silentLogger } from '../../../src/shared/log';
import type { TranscriptView } from '../../../src/shared/monitor';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

export interface WireStats {
  snapshots: number;
  /** `transcript_turns` batches received (live ones and replays). */
  batches: number;
  /** Turns received again with an (epoch, id, seq) already received, outside a snapshot. */
  repeated: number;
  /** Batches whose `fromSeq` skipped past the seq held. */
  gaps: number;
}

export interface TranscriptViewer {
  view(): TranscriptView;
  /** Times (ms since the epoch) the shown list was replaced by a snapshot. */
  resets: number[];
  wire: WireStats;
  close(): Promise<void>;
}

export function openTranscriptViewer(url: string, callSid: string): TranscriptViewer {
  const feed = createRemoteFeed({
    url,
    backoff: { initialMs: 50, maxMs: 500 },
    ackTimeoutMs: 5000,
  });
  const wire: WireStats = { snapshots: 0, batches: 0, repeated: 0, gaps: 0 };
  const seen = new Set<string>();
  let held: { epoch: string; seq: number } | null = null;
  const inner = feed.transcripts!;
  const watched: TranscriptPort = {
    subscribe: (sid, since, listener) =>
      inner.subscribe(sid, since, (event) => {
        if (event.type === 'snapshot') {
          wire.snapshots += 1;
          const p = event.payload;
          for (const t of p.turns) seen.add(`${p.epoch}/${t.id}/${t.seq}`);
          held = { epoch: p.epoch, seq: p.seq };
        } else if (event.type === 'turns') {
          wire.batches += 1;
          const p = event.payload;
          for (const t of p.turns) {
            const key = `${p.epoch}/${t.id}/${t.seq}`;
            if (seen.has(key)) wire.repeated += 1;
            seen.add(key);
          }
          if (held?.epoch === p.epoch) {
            if (p.fromSeq > held.seq + 1) wire.gaps += 1;
            held.seq = Math.max(held.seq, p.seq);
          }
        }
        listener(event);
      }),
  };
  const core = createMonitorCore({
    feed: { ...feed, transcripts: watched },
    mode: 'remote',
    target: url,
    alerts: createAlertsPort(DEFAULT_SETTINGS.alerts),
    clock: systemClock(),
    logger: silentLogger,
  });
  const resets: number[] = [];
  let view: TranscriptView | null = null;
  core.onDidChangeTranscript((delta) => {
    if (delta.reset) resets.push(Date.now());
    view = applyTranscriptDelta(view!, delta);
  });
  view = core.openTranscript(callSid);
  return {
    view: () => view!,
    resets,
    wire,
    close: () => core.dispose(),
  };
}

/** A turn as compared: who spoke, what was said, and when (DATA.md's turn fields). */
export interface ComparedTurn {
  id: string;
  role: string;
  message: string;
  timeInCallSecs: number | undefined;
  createdAt: string | undefined;
}

/**
 * The call's transcript as the database holds it, read with the driver and mapped by hand
 * from DATA.md (agent -> agent, user -> caller), in spoken order: not the server's code.
 */
export async function databaseTranscript(db: Db, callSid: string): Promise<ComparedTurn[]> {
  const docs = await db.collection('transcripts').find({ callSid }).toArray();
  return docs
    .map((d) => ({
      id: String(d._id),
      role: d.role === 'agent' ? 'agent' : d.role === 'user' ? 'caller' : 'other',
      message: String(d.message),
      timeInCallSecs: typeof d.timeInCallSecs === 'number' ? d.timeInCallSecs : undefined,
      createdAt: d.createdAt instanceof Date ? d.createdAt.toISOString() : undefined,
    }))
    .sort((a, b) => (a.timeInCallSecs ?? Infinity) - (b.timeInCallSecs ?? Infinity));
}

export function shownTranscript(view: TranscriptView): ComparedTurn[] {
  return view.turns.map((t) => ({
    id: t.id,
    role: t.role,
    message: t.message,
    timeInCallSecs: t.timeInCallSecs,
    createdAt: t.createdAt,
  }));
}

/**
 * Turn by turn: how many database turns are not shown as they are (missing, or differing in
 * any field, or out of place), and how many shown turns the database does not hold or holds
 * once but are shown more than once.
 */
export function compareTranscripts(
  expected: readonly ComparedTurn[],
  shown: readonly ComparedTurn[],
): { lost: number; extra: number; equal: boolean } {
  const key = (t: ComparedTurn) => JSON.stringify(t);
  const shownKeys = new Map<string, number>();
  for (const t of shown) shownKeys.set(key(t), (shownKeys.get(key(t)) ?? 0) + 1);
  const expectedKeys = new Set(expected.map(key));
  const lost = expected.filter((t) => !shownKeys.has(key(t))).length;
  let extra = 0;
  for (const [k, n] of shownKeys) extra += expectedKeys.has(k) ? n - 1 : n;
  const equal =
    expected.length === shown.length && expected.every((t, i) => key(t) === key(shown[i]!));
  return { lost, extra, equal };
}
