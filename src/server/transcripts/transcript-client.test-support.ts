// A transcript client for the tests, written from docs/protocol.md ("Transcripts") rather
// than with the code under test: it applies snapshots and turns by id, and records a gap
// (a `transcript_turns` whose fromSeq is not the seq it holds + 1) instead of hiding it.
import { io as connect } from 'socket.io-client';
import type {
  TranscriptSnapshotPayload,
  TranscriptSubscribeAck,
  TranscriptTurn,
  TranscriptTurnsPayload,
} from '../../shared/protocol/transcript';
import type { TestClient } from '../test-support';

export interface HeldTranscript {
  epoch: string;
  seq: number;
  source: string;
  truncated: number;
  turns: Map<string, TranscriptTurn>;
}

export interface TranscriptTestClient {
  socket: TestClient;
  /** Every transcript event received, in order. */
  events: [string, TranscriptSnapshotPayload | TranscriptTurnsPayload][];
  held: Map<string, HeldTranscript>;
  gaps: string[];
  /** Turn ids as the client shows them (time in the call, then id). */
  shown(callSid: string): { id: string; role: string; message: string }[];
  open(callSid: string, since?: { epoch: string; seq: number }): Promise<TranscriptSubscribeAck>;
  close(): void;
}

export function transcriptClient(
  url: string,
  auth: Record<string, unknown> = {},
): TranscriptTestClient {
  const socket: TestClient = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
  });
  const held = new Map<string, HeldTranscript>();
  const events: TranscriptTestClient['events'] = [];
  const gaps: string[] = [];
  socket.on('transcript_snapshot', (p: TranscriptSnapshotPayload) => {
    events.push(['transcript_snapshot', p]);
    held.set(p.callSid, {
      epoch: p.epoch,
      seq: p.seq,
      source: p.source,
      truncated: p.truncated ?? 0,
      turns: new Map(p.turns.map((t) => [t.id, t])),
    });
  });
  socket.on('transcript_turns', (p: TranscriptTurnsPayload) => {
    events.push(['transcript_turns', p]);
    const h = held.get(p.callSid);
    if (!h || h.epoch !== p.epoch || p.fromSeq !== h.seq + 1) {
      gaps.push(`${p.callSid}: held ${h?.epoch}/${h?.seq}, got ${p.epoch}/${p.fromSeq}..${p.seq}`);
      return;
    }
    for (const id of p.removed ?? []) h.turns.delete(id);
    for (const t of p.turns) h.turns.set(t.id, t);
    h.seq = p.seq;
  });
  return {
    socket,
    events,
    held,
    gaps,
    shown(callSid) {
      const h = held.get(callSid);
      return [...(h?.turns.values() ?? [])]
        .sort((a, b) => (a.timeInCallSecs ?? 0) - (b.timeInCallSecs ?? 0) || (a.id < b.id ? -1 : 1))
        .map((t) => ({ id: t.id, role: t.role, message: t.message }));
    },
    async open(callSid, since) {
      const ack = (await socket.emitWithAck('subscribe:transcript', {
        v: 2,
        callSid,
        ...(since ? { since } : {}),
      })) as TranscriptSubscribeAck;
      return ack;
    },
    close: () => socket.disconnect(),
  };
}
