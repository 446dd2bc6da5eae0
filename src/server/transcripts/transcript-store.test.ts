import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import type { JsonDocument } from '../hub-types';
import {
  TranscriptStore,
  type TranscriptMessage,
  type TranscriptReader,
  type TranscriptStoreOptions,
} from './transcript-store';

/** A reader over an in-memory "collection", whose reads can be held back. */
function memoryReader() {
  const turns: JsonDocument[] = [];
  const calls: JsonDocument[] = [];
  let gate: Promise<void> | null = null;
  let fail: Error | null = null;
  const reader: TranscriptReader = {
    async readTurns(callSid, limit) {
      await gate;
      if (fail) throw fail;
      const mine = turns
        .filter((t) => t.callSid === callSid)
        .sort((a, b) => Number(b.timeInCallSecs) - Number(a.timeInCallSecs));
      return { docs: mine.slice(0, limit), total: mine.length };
    },
    async readCall(callSid) {
      return calls.find((c) => c.callSid === callSid) ?? null;
    },
  };
  return {
    reader,
    turns,
    calls,
    hold() {
      let open = () => {};
      gate = new Promise<void>((resolve) => (open = resolve));
      return () => {
        gate = null;
        open();
      };
    },
    failWith: (error: Error | null) => (fail = error),
  };
}

let epochs = 0;
function store(mem = memoryReader(), options: Partial<TranscriptStoreOptions> = {}) {
  const s = new TranscriptStore({
    reader: mem.reader,
    logger: silentLogger,
    isCallEnded: (doc) => doc.status === 'completed',
    newEpoch: () => `e${++epochs}`,
    lingerMs: 0,
    ...options,
  });
  return { s, mem };
}

const doc = (id: string, message: string, at: number, callSid = 'CA1'): JsonDocument => ({
  _id: id,
  callSid,
  role: at % 2 === 0 ? 'agent' : 'user',
  message,
  timeInCallSecs: at,
});

/** Applies messages the way docs/protocol.md tells a client to. */
function viewer() {
  const got: TranscriptMessage[] = [];
  const turns = new Map<string, { message: string; seq: number }>();
  let seq = -1;
  const gaps: string[] = [];
  return {
    got,
    gaps,
    listener: (m: TranscriptMessage) => {
      got.push(m);
      if (m.event === 'transcript_snapshot') {
        turns.clear();
        seq = m.payload.seq;
      } else if (m.payload.fromSeq !== seq + 1) {
        gaps.push(`${seq} -> ${m.payload.fromSeq}`);
      } else {
        seq = m.payload.seq;
        for (const id of m.payload.removed ?? []) turns.delete(id);
      }
      for (const t of m.payload.turns) turns.set(t.id, { message: t.message, seq: t.seq });
    },
    messages: () => [...turns.entries()].map(([id, t]) => `${id}:${t.message}`).sort(),
  };
}

describe('TranscriptStore (the in-process API)', () => {
  it('gives the snapshot before subscribe resolves, then every change once, in seq order', async () => {
    const { s, mem } = store();
    mem.turns.push(doc('a', 'one', 1), doc('b', 'two', 2));
    const v = viewer();
    const sub = await s.subscribe('CA1', undefined, v.listener);
    expect(v.got).toHaveLength(1);
    expect({ callSid: sub.callSid, mode: sub.mode, seq: sub.seq }).toEqual({
      callSid: 'CA1',
      mode: 'snapshot',
      seq: 2,
    });
    s.ingest({ doc: doc('c', 'three', 3) });
    s.ingest({ doc: doc('a', 'one (fixed)', 1) });
    s.ingest({ doc: doc('a', 'one (fixed)', 1) }); // the same again: no change
    s.ingest({ id: 'b', doc: null });
    s.ingest({ doc: doc('z', 'other call', 1, 'CA2') });
    expect(v.got.map((m) => m.event)).toEqual([
      'transcript_snapshot',
      'transcript_turns',
      'transcript_turns',
      'transcript_turns',
    ]);
    expect(v.messages()).toEqual(['a:one (fixed)', 'c:three']);
    expect(v.gaps).toEqual([]);
    sub();
    s.ingest({ doc: doc('d', 'after', 4) });
    expect(v.got).toHaveLength(4);
  });

  it('applies a change made while the call was being read', async () => {
    const { s, mem } = store();
    mem.turns.push(doc('a', 'one', 1));
    const release = mem.hold();
    const v = viewer();
    const pending = s.subscribe('CA1', undefined, v.listener);
    // Written after the read started (the read will not see it) and reported by the stream.
    s.ingest({ doc: doc('b', 'two', 2) });
    release();
    await pending;
    expect(v.messages()).toEqual(['a:one', 'b:two']);
    expect(v.gaps).toEqual([]);
  });

  it('replays what a returning subscriber missed while the call is held, else a snapshot', async () => {
    const { s, mem } = store(undefined, { maxRemovalsKept: 2 });
    mem.turns.push(doc('a', 'one', 1), doc('b', 'two', 2), doc('c', 'three', 3));
    const keeper = await s.subscribe('CA1', undefined, () => {});
    const first = viewer();
    const sub = await s.subscribe('CA1', undefined, first.listener);
    const cursor = { epoch: sub.epoch, seq: sub.seq };
    sub();
    s.ingest({ doc: doc('d', 'four', 4) });
    s.ingest({ id: 'a', doc: null });
    const back = viewer();
    const again = await s.subscribe('CA1', cursor, back.listener);
    expect(again.mode).toBe('replay');
    const replay = back.got[0]!;
    expect(replay.event).toBe('transcript_turns');
    expect(replay.payload.turns.map((t) => t.id)).toEqual(['d']);
    expect(replay.event === 'transcript_turns' && replay.payload.removed).toEqual(['a']);
    again();
    // Two more removals push the first out of memory: that cursor can no longer be replayed.
    s.ingest({ id: 'b', doc: null });
    s.ingest({ id: 'c', doc: null });
    const late = await s.subscribe('CA1', cursor, () => {});
    expect(late.mode).toBe('snapshot');
    const current = await s.subscribe('CA1', { epoch: late.epoch, seq: late.seq }, () => {});
    expect(current.mode).toBe('replay');
    keeper();
  });

  it('forgets a call nobody watches after lingerMs: a returning subscriber then gets a new epoch', async () => {
    const { s, mem } = store();
    mem.turns.push(doc('a', 'one', 1));
    const sub = await s.subscribe('CA1', undefined, () => {});
    sub();
    expect(s.counters().callsHeld).toBe(0);
    const again = await s.subscribe('CA1', { epoch: sub.epoch, seq: sub.seq }, () => {});
    expect(again.mode).toBe('snapshot');
    expect(again.epoch).not.toBe(sub.epoch);
  });

  it('holds at most maxTurnsPerCall, counts what it left out, and a cursor from before cannot replay', async () => {
    const { s, mem } = store(undefined, { maxTurnsPerCall: 2 });
    mem.turns.push(doc('a', 'one', 1), doc('b', 'two', 2), doc('c', 'three', 3));
    const v = viewer();
    const sub = await s.subscribe('CA1', undefined, v.listener);
    const snap = v.got[0]!;
    expect(snap.event === 'transcript_snapshot' && snap.payload.truncated).toBe(1);
    s.ingest({ doc: doc('d', 'four', 4) });
    expect(s.counters().turnsHeld).toBe(2);
    const late = viewer();
    await s.subscribe('CA1', undefined, late.listener);
    const lateSnap = late.got[0]!;
    expect(lateSnap.payload.turns.map((t) => t.id)).toEqual(['c', 'd']);
    expect(lateSnap.event === 'transcript_snapshot' && lateSnap.payload.truncated).toBe(2);
    const stale = await s.subscribe('CA1', { epoch: sub.epoch, seq: 0 }, () => {});
    expect(stale.mode).toBe('snapshot');
  });

  it('removes a turn that moved to another call or can no longer be read', async () => {
    const { s, mem } = store();
    mem.turns.push(doc('a', 'one', 1), doc('b', 'two', 2));
    const v = viewer();
    await s.subscribe('CA1', undefined, v.listener);
    s.ingest({ doc: doc('a', 'one', 1, 'CA9') });
    s.ingest({ doc: { ...doc('b', 'two', 2), timeInCallSecs: 'soon' } });
    expect(v.messages()).toEqual([]);
    expect(s.counters().badTurns).toBe(1);
    expect(v.gaps).toEqual([]);
  });

  it("serves an ended call's post-call transcript when it has no turns, and when it lands later", async () => {
    const { s, mem } = store();
    mem.calls.push({
      callSid: 'CA1',
      status: 'completed',
      transcript: [{ role: 'agent', message: 'Hi', time_in_call_secs: 0 }],
    });
    mem.calls.push({ callSid: 'CA2', status: 'in-progress' });
    const v = viewer();
    await s.subscribe('CA1', undefined, v.listener);
    expect(v.got[0]!.event === 'transcript_snapshot' && v.got[0]!.payload.source).toBe('post-call');
    expect(v.messages()).toEqual(['post-call:0:Hi']);
    const w = viewer();
    await s.subscribe('CA2', undefined, w.listener);
    expect(w.got[0]!.event === 'transcript_snapshot' && w.got[0]!.payload.source).toBe('none');
    s.noteCallDocument('CA2', {
      callSid: 'CA2',
      status: 'completed',
      transcript: [{ role: 'user', message: 'Bye', time_in_call_secs: 9 }],
    });
    expect(w.messages()).toEqual(['post-call:0:Bye']);
    expect(w.gaps).toEqual([]);
  });

  it('rejects with the reason when the call cannot be read, and reads again next time', async () => {
    const { s, mem } = store();
    mem.failWith(new Error('not connected to MongoDB'));
    await expect(s.subscribe('CA1', undefined, () => {})).rejects.toThrow(
      'could not read the transcript of CA1: not connected to MongoDB',
    );
    mem.failWith(null);
    mem.turns.push(doc('a', 'one', 1));
    const v = viewer();
    await s.subscribe('CA1', undefined, v.listener);
    expect(v.messages()).toEqual(['a:one']);
  });

  it('a resync reads every held call again and sends a snapshot with a new epoch', async () => {
    const { s, mem } = store();
    mem.turns.push(doc('a', 'one', 1));
    const v = viewer();
    const sub = await s.subscribe('CA1', undefined, v.listener);
    mem.turns.push(doc('b', 'written while history was lost', 2));
    s.resync('change stream history lost (286)');
    await expect.poll(() => v.got.length).toBe(2);
    const snap = v.got[1]!;
    expect(snap.event).toBe('transcript_snapshot');
    expect(snap.payload.epoch).not.toBe(sub.epoch);
    expect(v.messages()).toEqual(['a:one', 'b:written while history was lost']);
  });

  it('one failing listener does not stop the others; counters follow subscriptions', async () => {
    const { s } = store();
    const v = viewer();
    const bad = await s.subscribe('CA1', undefined, (m) => {
      if (m.event === 'transcript_turns') throw new Error('boom');
    });
    const good = await s.subscribe('CA1', undefined, v.listener);
    expect(s.counters().subscriptions).toBe(2);
    s.ingest({ doc: doc('a', 'one', 1) });
    expect(v.messages()).toEqual(['a:one']);
    expect(s.counters().turnsDelivered).toBe(2);
    bad();
    good();
    expect(s.counters()).toMatchObject({ subscriptions: 0, callsHeld: 0 });
    s.close();
    await expect(s.subscribe('CA1', undefined, () => {})).rejects.toThrow(/closed/);
  });
});
