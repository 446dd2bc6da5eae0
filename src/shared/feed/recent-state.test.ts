import { describe, expect, it } from 'vitest';
import { fromRecentEvent } from './recent-protocol';
import { applyRecentMessage, initialRecentState, recentNewestFirst } from './recent-state';
import { call } from './test-helpers';

const ended = (sid: string, extra = {}) => call(sid, 'completed', extra);

const snapshot = (calls = [ended('a')], seq = 5, epoch = 'e1') =>
  applyRecentMessage(initialRecentState(), { kind: 'snapshot', calls, epoch, seq, at: 100 });

describe('recent window', () => {
  it('a snapshot replaces the window and keeps the local end time of a call already held', () => {
    const first = snapshot([ended('a'), ended('b')]).state;
    const later = applyRecentMessage(first, {
      kind: 'snapshot',
      calls: [ended('a', { updatedAt: '2026-12-04T04:00:00Z' })],
      epoch: 'e2',
      seq: 1,
      at: 500,
    });
    expect([...later.state.calls.keys()]).toEqual(['a']);
    expect(later.state.calls.get('a')?.endedAt).toBe(100);
    expect(later.changes).toMatchObject({ upserted: ['a'], removed: ['b'], reset: true });
    expect(later.state.cursor).toEqual({ epoch: 'e2', seq: 1, synced: true });
  });

  it('a late analysis updates the held call; removals of any reason take it out', () => {
    const base = snapshot([ended('a'), ended('b')]).state;
    const next = applyRecentMessage(base, {
      kind: 'batch',
      calls: [ended('a', { analysis: { call_successful: 'success' } })],
      removed: [{ callSid: 'b', reason: 'expired' }],
      epoch: 'e1',
      fromSeq: 6,
      seq: 7,
      at: 200,
    });
    expect(next.state.calls.get('a')?.call).toMatchObject({
      analysis: { call_successful: 'success' },
    });
    expect(next.state.calls.has('b')).toBe(false);
    expect(next.changes).toMatchObject({ upserted: ['a'], removed: ['b'] });
  });

  it('another epoch, a gap or a batch before any snapshot is not applied and asks for a resync', () => {
    const base = snapshot().state;
    const batch = { kind: 'batch' as const, calls: [ended('z')], removed: [], at: 1 };
    const epoch = applyRecentMessage(base, { ...batch, epoch: 'e9', fromSeq: 6, seq: 6 });
    expect(epoch.state.resyncNeeded).toBe('epoch changed from e1 to e9');
    expect(epoch.state.calls).toBe(base.calls);
    const gap = applyRecentMessage(base, { ...batch, epoch: 'e1', fromSeq: 8, seq: 9 });
    expect(gap.state.resyncNeeded).toBe('gap: missed seq 6..7');
    const early = applyRecentMessage(initialRecentState(), {
      ...batch,
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
    });
    expect(early.state.resyncNeeded).toMatch(/before any v2 snapshot/);
    // Once a resync is pending, an older snapshot of the same epoch is taken.
    const resynced = applyRecentMessage(gap.state, {
      kind: 'snapshot',
      calls: [],
      epoch: 'e1',
      seq: 4,
      at: 2,
    });
    expect(resynced.state.resyncNeeded).toBeNull();
    expect(resynced.state.calls.size).toBe(0);
  });

  it('a stale snapshot is ignored; an active call is never held and is named', () => {
    const base = snapshot([ended('a')], 5).state;
    const stale = applyRecentMessage(base, {
      kind: 'snapshot',
      calls: [],
      epoch: 'e1',
      seq: 3,
      at: 1,
    });
    expect(stale.state).toBe(base);
    expect(stale.changes.ignored).toBe('stale snapshot: seq 3 < held 5');
    const active = applyRecentMessage(base, {
      kind: 'batch',
      calls: [call('a', 'in-progress')],
      removed: [],
      epoch: 'e1',
      fromSeq: 6,
      seq: 6,
      at: 1,
    });
    expect(active.state.calls.has('a')).toBe(false);
    expect(active.changes.problems).toEqual([
      'recent: a has the active status "in-progress"; the window holds ended calls only',
    ]);
  });

  it('orders newest end first', () => {
    const entries = [1, 3, 2].map((n) => ({ call: ended(`c${n}`), receivedAt: n, endedAt: n }));
    expect(recentNewestFirst(entries, (e) => e.endedAt ?? 0).map((e) => e.call.callSid)).toEqual([
      'c3',
      'c2',
      'c1',
    ]);
  });
});

describe('recent events from the server', () => {
  it('parses a snapshot and a batch, leaving out bad calls with a problem naming them', () => {
    const snap = fromRecentEvent(
      'recent_calls',
      {
        v: 2,
        epoch: 'e',
        seq: 3,
        calls: [{ callSid: 'a', status: 'completed' }, { status: 1 }],
        count: 2,
        timestamp: '2026-12-04T04:00:00Z',
      },
      7,
    );
    expect(snap.message).toMatchObject({ kind: 'snapshot', epoch: 'e', seq: 3, at: 7 });
    expect(snap.message?.calls.map((c) => c.callSid)).toEqual(['a']);
    expect(snap.problems).toHaveLength(1);
    expect(snap.problems[0]).toMatch(/^recent_calls: calls\[1\]: /);
    const batch = fromRecentEvent(
      'recent_calls_batch_update',
      {
        v: 2,
        epoch: 'e',
        fromSeq: 4,
        seq: 5,
        calls: [],
        removed: [{ callSid: 'a', reason: 'deleted' }],
        timestamp: '2026-12-04T04:00:00Z',
      },
      8,
    );
    expect(batch.message).toMatchObject({
      kind: 'batch',
      fromSeq: 4,
      seq: 5,
      removed: [{ callSid: 'a', reason: 'deleted' }],
    });
  });

  it('gives no message for a malformed payload, and says what was wrong', () => {
    const noSeq = fromRecentEvent('recent_calls', { v: 2, epoch: 'e', calls: [] }, 1);
    expect(noSeq.message).toBeUndefined();
    expect(noSeq.problems.join()).toMatch(/recent_calls: malformed payload.*seq/);
    const range = fromRecentEvent(
      'recent_calls_batch_update',
      {
        v: 2,
        epoch: 'e',
        fromSeq: 9,
        seq: 5,
        calls: [],
        removed: [],
        timestamp: '2026-12-04T04:00:00Z',
      },
      1,
    );
    expect(range).toEqual({
      problems: ['recent_calls_batch_update: malformed payload: fromSeq 9 is after seq 5'],
    });
    const reason = fromRecentEvent(
      'recent_calls_batch_update',
      {
        v: 2,
        epoch: 'e',
        fromSeq: 1,
        seq: 1,
        calls: [],
        removed: [{ callSid: 'a', reason: 'terminal' }],
        timestamp: '2026-12-04T04:00:00Z',
      },
      1,
    );
    expect(reason.message).toBeUndefined();
    expect(reason.problems.join()).toMatch(/reason/);
  });
});
