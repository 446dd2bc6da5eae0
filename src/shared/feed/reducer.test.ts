import { describe, expect, it } from 'vitest';
import { applyFeedMessage, callsEndedBy, campaignsEndedBy, initialFeedState } from './reducer';
import {
  applyAll,
  call,
  callsBatch,
  callsSnapshot,
  campaign,
  campaignsBatch,
  campaignsSnapshot,
} from './test-helpers';

const linger = { terminalLingerMs: 5_000 };

describe('snapshot', () => {
  it('replaces the stream: calls not in it leave, terminal calls in it are not kept', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing'), call('b', 'queued')], 1),
      callsSnapshot([call('b', 'in-progress'), call('c', 'completed'), call('d', 'initiated')], 2),
    ]);
    expect([...state.calls.keys()].sort()).toEqual(['b', 'd']);
    expect(state.calls.get('b')!.call.status).toBe('in-progress');
    expect(state.cursors.calls).toEqual({ epoch: null, seq: null, synced: true });
    expect(state.lastEventAt).toBe(2);
  });

  it('reports removed and upserted keys and the reset stream', () => {
    const first = applyAll([callsSnapshot([call('a', 'ringing'), call('b', 'queued')], 1)]);
    const next = applyFeedMessage(
      first.state,
      callsSnapshot([call('a', 'ringing'), call('c', 'queued')], 2),
      linger,
    );
    expect(next.changes).toEqual({
      callsUpserted: ['c'],
      callsRemoved: ['b'],
      campaignsUpserted: [],
      campaignsRemoved: [],
      reset: ['calls'],
    });
    // The unchanged entry keeps its identity (a rendered row need not re-render).
    expect(next.state.calls.get('a')).toBe(first.state.calls.get('a'));
  });

  it('sets the v2 cursor and clears resyncNeeded for its stream only', () => {
    let { state } = applyAll([
      callsSnapshot([], 1, { epoch: 'e1', seq: 3 }),
      campaignsSnapshot([], 1, { epoch: 'e1', seq: 7 }),
      callsBatch([call('a', 'ringing')], 2, { epoch: 'e1', fromSeq: 6, seq: 6 }),
      campaignsBatch([campaign('k', 'running')], 2, { epoch: 'e2', fromSeq: 1, seq: 1 }),
    ]);
    expect(Object.keys(state.resyncNeeded).sort()).toEqual(['calls', 'campaigns']);
    state = applyFeedMessage(
      state,
      callsSnapshot([call('a', 'ringing')], 3, { epoch: 'e1', seq: 9 }),
    ).state;
    expect(state.cursors.calls).toEqual({ epoch: 'e1', seq: 9, synced: true });
    expect(state.resyncNeeded.calls).toBeUndefined();
    expect(state.resyncNeeded.campaigns).toMatch(/epoch changed from e1 to e2/);
  });

  it('ignores an older snapshot of the same epoch', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing')], 1, { epoch: 'e1', seq: 10 }),
    ]);
    const next = applyFeedMessage(state, callsSnapshot([], 2, { epoch: 'e1', seq: 4 }));
    expect(next.state).toBe(state);
    expect(next.changes.ignored).toMatch(/stale snapshot/);
  });

  it('a seed snapshot racing with updates does not revive an ended call or roll one back', () => {
    const { state } = applyAll([
      callsBatch(
        [call('a', 'ringing'), call('b', 'ringing', { updatedAt: '2026-01-01T10:00:05Z' })],
        1,
      ),
      callsBatch([call('a', 'completed')], 2),
      callsBatch([call('b', 'in-progress', { updatedAt: '2026-01-01T10:00:09Z' })], 3),
    ]);
    const raced = applyFeedMessage(
      state,
      callsSnapshot(
        [call('a', 'ringing'), call('b', 'ringing', { updatedAt: '2026-01-01T10:00:05Z' })],
        4,
      ),
    );
    expect(raced.state.calls.get('a')).toBe(state.calls.get('a'));
    expect(raced.state.calls.get('b')).toBe(state.calls.get('b'));
    expect(raced.state.cursors.calls.synced).toBe(true);
    // The ended call still leaves after its linger.
    expect(
      applyFeedMessage(raced.state, { kind: 'tick', now: 5_002 }).state.calls.get('a'),
    ).toBeUndefined();
  });

  it('a v2 snapshot is trusted over what is held', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing')], 1, { epoch: 'e', seq: 1 }),
      callsBatch([call('a', 'completed')], 2, { epoch: 'e', seq: 2 }),
    ]);
    const next = applyFeedMessage(
      state,
      callsSnapshot([call('a', 'ringing')], 3, { epoch: 'f', seq: 1 }),
    );
    expect(next.state.calls.get('a')!.endedAt).toBeUndefined();
  });

  it('a v2 batch that makes an ended call active again is applied (the server is in order)', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing')], 1, { epoch: 'e', seq: 1 }),
      callsBatch([call('a', 'completed')], 2, { epoch: 'e', seq: 2 }),
      callsBatch([call('a', 'ringing')], 3, { epoch: 'e', seq: 3 }),
    ]);
    expect(state.calls.get('a')).toMatchObject({ call: { status: 'ringing' } });
    expect(state.calls.get('a')!.endedAt).toBeUndefined();
    // Without a sequence (seed), the same message is a race and is ignored.
    const seed = applyAll([
      callsBatch([call('a', 'ringing')], 1),
      callsBatch([call('a', 'completed')], 2),
      callsBatch([call('a', 'ringing')], 3),
    ]);
    expect(seed.state.calls.get('a')).toMatchObject({ call: { status: 'completed' } });
  });

  it('takes an older snapshot when a resync is needed anyway', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing')], 1, { epoch: 'e1', seq: 10 }),
      callsBatch([call('b', 'ringing')], 2, { epoch: 'e1', fromSeq: 14, seq: 14 }),
    ]);
    const next = applyFeedMessage(state, callsSnapshot([], 3, { epoch: 'e1', seq: 9 }));
    expect(next.state.calls.size).toBe(0);
    expect(next.state.resyncNeeded).toEqual({});
    expect(next.state.cursors.calls.seq).toBe(9);
  });

  it('returns the same state when re-applied', () => {
    const message = callsSnapshot([call('a', 'ringing', { to: '+1' })], 1, { epoch: 'e', seq: 1 });
    const { state } = applyAll([message]);
    expect(applyFeedMessage(state, message).state).toBe(state);
  });
});

describe('calls that left (seed)', () => {
  const options = { terminalLingerMs: 5_000, goneMemoryMs: 60_000 };
  /** Call a ends at 10 and leaves at the tick of 5_010. */
  const left = () => {
    const ended = applyAll(
      [
        callsBatch([call('a', 'in-progress'), call('b', 'ringing')], 1),
        callsBatch([call('a', 'completed')], 10),
      ],
      options,
    );
    return applyFeedMessage(ended.state, { kind: 'tick', now: 5_010 }, options);
  };

  it('remembers a call that left, so a late active update cannot bring it back', () => {
    const gone = left();
    expect(gone.state.calls.get('a')).toBeUndefined();
    expect(gone.state.callsGone.toJS()).toEqual({ a: 5_010 });
    const late = applyFeedMessage(
      gone.state,
      callsBatch([call('a', 'in-progress')], 6_000),
      options,
    );
    expect(late.state).toBe(gone.state);
    expect(late.changes.ignored).toMatch(/already left \(a\)/);
    const repeat = applyFeedMessage(
      gone.state,
      callsBatch([call('a', 'completed')], 6_000),
      options,
    );
    expect(repeat.state.calls.get('a')).toBeUndefined();
  });

  it('a seed snapshot that raced with the end does not bring it back either', () => {
    const gone = left();
    const raced = applyFeedMessage(
      gone.state,
      callsSnapshot([call('a', 'in-progress'), call('b', 'ringing')], 6_000),
      options,
    );
    expect([...raced.state.calls.keys()]).toEqual(['b']);
  });

  it('forgets it after goneMemoryMs', () => {
    const gone = left();
    const still = applyFeedMessage(gone.state, { kind: 'tick', now: 65_009 }, options);
    expect(still.state).toBe(gone.state);
    const forgot = applyFeedMessage(gone.state, { kind: 'tick', now: 65_010 }, options);
    expect(forgot.state.callsGone.size).toBe(0);
    const back = applyFeedMessage(
      forgot.state,
      callsBatch([call('a', 'ringing')], 65_011),
      options,
    );
    expect(back.state.calls.get('a')?.call.status).toBe('ringing');
  });

  it('v2 streams, ordered by seq, keep no such memory', () => {
    const { state } = applyAll(
      [
        callsSnapshot([call('a', 'in-progress')], 1, { epoch: 'e', seq: 1 }),
        callsBatch([call('a', 'completed')], 10, { epoch: 'e', seq: 2 }),
        { kind: 'tick', now: 5_010 },
      ],
      options,
    );
    expect(state.calls.get('a')).toBeUndefined();
    expect(state.callsGone.size).toBe(0);
    const fresh = applyFeedMessage(
      state,
      callsSnapshot([call('a', 'in-progress')], 6_000, { epoch: 'f', seq: 1 }),
      options,
    );
    expect(fresh.state.calls.get('a')?.call.status).toBe('in-progress');
  });
});

describe('updates (seed)', () => {
  it('upserts; an unchanged document changes nothing', () => {
    const { state } = applyAll([callsBatch([call('a', 'ringing')], 1)]);
    expect(state.calls.get('a')!.call.status).toBe('ringing');
    const again = applyFeedMessage(state, callsBatch([call('a', 'ringing')], 2));
    expect(again.state).toBe(state);
    expect(again.changes.callsUpserted).toEqual([]);
  });

  it('keeps a call that turned terminal with endedAt, then drops it after the linger', () => {
    let t = applyAll([callsBatch([call('a', 'in-progress')], 1)]);
    t = applyFeedMessage(t.state, callsBatch([call('a', 'completed', { duration: 42 })], 10));
    expect(t.state.calls.get('a')).toMatchObject({ endedAt: 10, call: { status: 'completed' } });
    expect(applyFeedMessage(t.state, { kind: 'tick', now: 5_009 }, linger).state).toBe(t.state);
    const gone = applyFeedMessage(t.state, { kind: 'tick', now: 5_010 }, linger);
    expect(gone.state.calls.get('a')).toBeUndefined();
    expect(gone.changes.callsRemoved).toEqual(['a']);
    expect(gone.state.lastEventAt).toBe(10);
  });

  it('keeps the first endedAt when a terminal call gets a later version', () => {
    const { state } = applyAll([
      callsBatch([call('a', 'completed')], 1),
      callsBatch([call('a', 'completed', { duration: 30 })], 2),
    ]);
    expect(state.calls.get('a')).toMatchObject({ endedAt: 1, receivedAt: 2 });
  });

  it('never turns a terminal call back to active', () => {
    const { state } = applyAll([callsBatch([call('a', 'failed')], 1)]);
    const late = applyFeedMessage(state, callsBatch([call('a', 'ringing')], 2));
    expect(late.state).toBe(state);
    expect(late.changes.ignored).toMatch(/stale.*a/);
  });

  it('ignores an update older (updatedAt) than the held version', () => {
    const { state } = applyAll([
      callsBatch([call('a', 'in-progress', { updatedAt: '2026-01-01T10:00:05.000Z' })], 1),
    ]);
    const old = applyFeedMessage(
      state,
      callsBatch([call('a', 'ringing', { updatedAt: '2026-01-01T10:00:01.000Z' })], 2),
    );
    expect(old.state).toBe(state);
    const newer = applyFeedMessage(
      state,
      callsBatch([call('a', 'in-progress', { updatedAt: '2026-01-01T10:00:09.000Z', to: 'x' })], 3),
    );
    expect(newer.state.calls.get('a')!.call.to).toBe('x');
  });

  it('applies the fresh part of a batch and skips the stale part', () => {
    const { state } = applyAll([callsBatch([call('a', 'busy')], 1)]);
    const t = applyFeedMessage(state, callsBatch([call('a', 'ringing'), call('b', 'queued')], 2));
    expect(t.changes.callsUpserted).toEqual(['b']);
    expect(t.changes.ignored).toBeUndefined();
    expect(t.state.calls.get('a')!.call.status).toBe('busy');
  });

  it('tracks statusSince only for observed status changes', () => {
    const { state } = applyAll([
      callsBatch([call('a', 'ringing')], 1),
      callsBatch([call('a', 'in-progress')], 5),
      callsBatch([call('a', 'in-progress', { agentId: 'x' })], 9),
    ]);
    expect(state.calls.get('a')).toMatchObject({ statusSince: 5, receivedAt: 9 });
    expect(
      applyAll([callsBatch([call('b', 'ringing')], 1)]).state.calls.get('b')!.statusSince,
    ).toBe(undefined);
  });

  it('treats __proto__ and constructor as plain keys', () => {
    const { state } = applyAll([
      callsBatch([call('__proto__', 'ringing'), call('constructor', 'queued')], 1),
    ]);
    expect([...state.calls.keys()].sort()).toEqual(['__proto__', 'constructor']);
    expect(state.calls.get('__proto__')!.call.status).toBe('ringing');
    const snap = applyFeedMessage(state, callsSnapshot([call('__proto__', 'queued')], 2));
    expect([...snap.state.calls.keys()]).toEqual(['__proto__']);
    expect(snap.changes.callsRemoved).toEqual(['constructor']);
  });
});

describe('removals (v2)', () => {
  const start = () => applyAll([callsSnapshot([call('a', 'ringing')], 1, { epoch: 'e', seq: 1 })]);

  it('removes a deleted call at once', () => {
    const t = applyFeedMessage(
      start().state,
      callsBatch([], 2, { removed: [{ callSid: 'a', reason: 'deleted' }], epoch: 'e', seq: 2 }),
    );
    expect(t.state.calls.get('a')).toBeUndefined();
    expect(t.changes.callsRemoved).toEqual(['a']);
    expect(t.state.cursors.calls.seq).toBe(2);
  });

  it('marks a call removed as terminal with endedAt; it lingers', () => {
    const t = applyFeedMessage(
      start().state,
      callsBatch([], 2, { removed: [{ callSid: 'a', reason: 'terminal' }], epoch: 'e', seq: 2 }),
    );
    expect(t.state.calls.get('a')!.endedAt).toBe(2);
    expect(t.changes.callsUpserted).toEqual(['a']);
    expect(
      applyFeedMessage(t.state, { kind: 'tick', now: 5_002 }).state.calls.get('a'),
    ).toBeUndefined();
  });

  it('ignores a removal of an unknown key but still advances the cursor', () => {
    const t = applyFeedMessage(
      start().state,
      callsBatch([], 2, { removed: [{ callSid: 'zz', reason: 'deleted' }], epoch: 'e', seq: 2 }),
    );
    expect(t.changes.callsRemoved).toEqual([]);
    expect(t.state.cursors.calls.seq).toBe(2);
  });
});

describe('sequence (v2)', () => {
  const base = () =>
    applyAll([callsSnapshot([call('a', 'ringing')], 1, { epoch: 'e1', seq: 10 })]).state;
  const batch = (fromSeq: number, seq: number, epoch = 'e1') =>
    callsBatch([call('b', 'queued')], 2, { epoch, fromSeq, seq });

  it.each([
    ['the next seq', 11, 11, 11],
    ['a range starting at the next seq', 11, 14, 14],
    ['a range overlapping the held seq', 8, 12, 12],
  ])('applies %s', (_name, fromSeq, seq, cursor) => {
    const t = applyFeedMessage(base(), batch(fromSeq, seq));
    expect(t.state.calls.get('b')).toBeDefined();
    expect(t.state.cursors.calls.seq).toBe(cursor);
    expect(t.state.resyncNeeded).toEqual({});
  });

  it.each([
    ['a duplicate', 10, 10, /duplicate/],
    ['an old range', 3, 9, /duplicate/],
  ])('ignores %s without asking for a resync', (_name, fromSeq, seq, why) => {
    const state = base();
    const t = applyFeedMessage(state, batch(fromSeq, seq));
    expect(t.state).toBe(state);
    expect(t.changes.ignored).toMatch(why);
  });

  it.each([
    ['a gap', batch(12, 12), /gap: missed seq 11\.\.11/],
    ['another epoch', batch(11, 11, 'e2'), /epoch changed from e1 to e2/],
    ['an inverted range', batch(13, 11), /invalid sequence range/],
    ['a fractional seq', batch(11, 11.5), /invalid sequence range/],
  ])('ignores %s and marks the stream for resync', (_name, message, why) => {
    const state = base();
    const t = applyFeedMessage(state, message);
    expect(t.state.calls).toBe(state.calls);
    expect(t.state.cursors).toBe(state.cursors);
    expect(t.state.resyncNeeded.calls).toMatch(why);
    expect(t.changes.ignored).toMatch(why);
  });

  it('asks for a resync when a v2 batch arrives before any v2 snapshot', () => {
    const t = applyFeedMessage(initialFeedState(), batch(1, 1));
    expect(t.state.calls.size).toBe(0);
    expect(t.state.resyncNeeded.calls).toMatch(/before any v2 snapshot/);
  });

  it('keeps ignoring after a gap until a snapshot arrives', () => {
    const { state } = applyAll([batch(12, 12), batch(13, 13)], linger, base());
    expect(state.calls.get('b')).toBeUndefined();
    expect(state.resyncNeeded.calls).toMatch(/gap/);
    const fixed = applyFeedMessage(state, callsSnapshot([], 3, { epoch: 'e1', seq: 13 }));
    expect(fixed.state.resyncNeeded).toEqual({});
  });
});

describe('campaigns', () => {
  it('linger after they end and may run again', () => {
    let t = applyAll([campaignsSnapshot([campaign('k', 'running')], 1)]);
    t = applyFeedMessage(t.state, campaignsBatch([campaign('k', 'completed')], 2));
    expect(t.state.campaigns.get('k')!.endedAt).toBe(2);
    expect(campaignsEndedBy(applyAll([]).state, t).map((e) => e.campaign.campaignId)).toEqual([
      'k',
    ]);
    const again = applyFeedMessage(t.state, campaignsBatch([campaign('k', 'running')], 3));
    expect(again.state.campaigns.get('k')!.endedAt).toBeUndefined();
    const ended = applyFeedMessage(t.state, { kind: 'tick', now: 5_002 });
    expect(ended.changes.campaignsRemoved).toEqual(['k']);
  });

  it('a snapshot drops ended campaigns', () => {
    const { state } = applyAll([
      campaignsSnapshot([campaign('k', 'running'), campaign('z', 'archived')], 1),
    ]);
    expect([...state.campaigns.keys()]).toEqual(['k']);
  });
});

describe('callsEndedBy', () => {
  it('lists calls that turned terminal in the transition, once', () => {
    const before = applyAll([callsBatch([call('a', 'ringing'), call('b', 'ringing')], 1)]).state;
    const t = applyFeedMessage(
      before,
      callsBatch([call('a', 'no-answer'), call('b', 'in-progress'), call('c', 'failed')], 2),
    );
    expect(callsEndedBy(before, t).map((e) => e.call.callSid)).toEqual(['a', 'c']);
    const later = applyFeedMessage(
      t.state,
      callsBatch([call('a', 'no-answer', { duration: 0 })], 3),
    );
    expect(callsEndedBy(t.state, later)).toEqual([]);
  });
});
