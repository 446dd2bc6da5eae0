import { describe, expect, it } from 'vitest';
import type { TranscriptTurn, TranscriptTurnsPayload } from '../protocol/transcript';
import {
  applyTranscriptSnapshot,
  applyTranscriptTurns,
  mergeTurns,
  type CallTranscript,
} from './transcript-state';

const T = '2026-12-04T03:00:00.000Z';
const turn = (id: string, seq: number, time?: number, message = id): TranscriptTurn => ({
  id,
  seq,
  role: 'agent',
  message,
  ...(time !== undefined ? { timeInCallSecs: time } : {}),
});
const held = (turns: TranscriptTurn[], seq: number): CallTranscript => {
  const step = applyTranscriptSnapshot({
    v: 2,
    callSid: 'CA1',
    epoch: 'e1',
    seq,
    source: 'live',
    turns,
    timestamp: T,
  });
  if (step.kind !== 'applied') throw new Error('snapshot not applied');
  return step.transcript;
};
const batch = (patch: Partial<TranscriptTurnsPayload>): TranscriptTurnsPayload => ({
  v: 2,
  callSid: 'CA1',
  epoch: 'e1',
  fromSeq: 3,
  seq: 3,
  turns: [],
  timestamp: T,
  ...patch,
});

describe('transcript reducer', () => {
  it('orders a snapshot by time in the call, then seq; turns without a time go last', () => {
    const t = held([turn('c', 3), turn('b', 2, 10), turn('a', 1, 10), turn('d', 4, 2)], 4);
    expect(t.turns.map((x) => x.id)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('a correction replaces its turn; removed drops one; the cursor moves to the batch seq', () => {
    const start = held([turn('a', 1, 1), turn('b', 2, 5)], 2);
    const step = applyTranscriptTurns(
      start,
      batch({ turns: [turn('a', 3, 1, 'corrected')], removed: ['b'], seq: 3 }),
    );
    expect(step).toMatchObject({ kind: 'applied', reset: false, removed: ['b'] });
    if (step.kind !== 'applied') return;
    expect(step.transcript.turns).toEqual([turn('a', 3, 1, 'corrected')]);
    expect(step.transcript.seq).toBe(3);
  });

  it('a batch already held is ignored, and a gap asks for a replay since the held seq', () => {
    const start = held([turn('a', 1, 1)], 5);
    expect(applyTranscriptTurns(start, batch({ fromSeq: 4, seq: 5 })).kind).toBe('ignored');
    expect(applyTranscriptTurns(start, batch({ fromSeq: 8, seq: 9 }))).toEqual({
      kind: 'resubscribe',
      since: { epoch: 'e1', seq: 5 },
      reason: 'missed transcript seq 6-7',
    });
  });

  it('a new epoch asks to subscribe again, naming both epochs', () => {
    const step = applyTranscriptTurns(held([], 5), batch({ epoch: 'e2', fromSeq: 6, seq: 6 }));
    expect(step).toEqual({
      kind: 'resubscribe',
      since: { epoch: 'e1', seq: 5 },
      reason: "the server's transcript history restarted (epoch e1 -> e2)",
    });
  });

  it('turns before any snapshot ask for one; turns of another call are not applied', () => {
    expect(applyTranscriptTurns(null, batch({})).kind).toBe('resubscribe');
    expect(applyTranscriptTurns(held([], 2), batch({ callSid: 'CA2' })).kind).toBe('ignored');
  });

  it('a replay overlapping what is held keeps the newer version of a turn', () => {
    const merged = mergeTurns([turn('a', 7, 1, 'newer')], [turn('a', 4, 1, 'older')], ['a'], 4);
    expect(merged.turns).toEqual([turn('a', 7, 1, 'newer')]);
    expect(merged).toMatchObject({ upserted: [], removed: [] });
  });
});
