import { describe, expect, it } from 'vitest';
import { coalesceFeedMessages } from './coalesce';
import { initialFeedState } from './reducer';
import {
  applyAll,
  call,
  callsBatch,
  callsSnapshot,
  campaign,
  campaignsBatch,
} from './test-helpers';
import type { FeedMessage } from './types';

const v2 = (fromSeq: number, seq: number, calls = [call(`k${seq}`, 'ringing')], epoch = 'e') =>
  callsBatch(calls, seq * 10, { epoch, fromSeq, seq });

describe('coalesceFeedMessages', () => {
  it('merges a burst of seed updates into one batch, in order, stamped with the last time', () => {
    const merged = coalesceFeedMessages([
      callsBatch([call('a', 'ringing')], 1),
      callsBatch([call('a', 'in-progress')], 2),
      callsBatch([call('b', 'queued')], 3),
    ]);
    expect(merged).toEqual([
      callsBatch([call('a', 'ringing'), call('a', 'in-progress'), call('b', 'queued')], 3),
    ]);
  });

  it('keeps streams, ticks and snapshots apart', () => {
    const messages: FeedMessage[] = [
      callsBatch([call('a', 'ringing')], 1),
      campaignsBatch([campaign('k', 'running')], 2),
      { kind: 'tick', now: 3 },
      callsBatch([call('b', 'ringing')], 4),
      callsSnapshot([], 5),
      callsBatch([call('c', 'ringing')], 6),
    ];
    expect(coalesceFeedMessages(messages)).toEqual(messages);
  });

  it('does not merge an upsert of a key the run removed (upserts apply before removals)', () => {
    const messages: FeedMessage[] = [
      callsBatch([], 1, { removed: [{ callSid: 'a', reason: 'deleted' }] }),
      callsBatch([call('a', 'ringing')], 2),
    ];
    expect(coalesceFeedMessages(messages)).toHaveLength(2);
    expect(applyAll(coalesceFeedMessages(messages)).state.calls.get('a')).toBeDefined();
  });

  it('does not merge a deletion of a key the run upserted, so its end is still seen', () => {
    const messages: FeedMessage[] = [
      callsBatch([call('a', 'in-progress')], 1),
      callsBatch([call('a', 'failed')], 2),
      callsBatch([], 3, { removed: [{ callSid: 'a', reason: 'deleted' }] }),
    ];
    const merged = coalesceFeedMessages(messages);
    expect(merged).toHaveLength(2);
    // Applied as merged, the failure is a transition of its own (what callsEndedBy reads).
    const ended = applyAll([merged[0]!]).state.calls.get('a');
    expect(ended?.endedAt).toBeDefined();
    // A terminal removal keeps the entry (with endedAt): that one may join.
    const terminal = coalesceFeedMessages([
      callsBatch([call('b', 'in-progress')], 1),
      callsBatch([], 2, { removed: [{ callSid: 'b', reason: 'terminal' }] }),
    ]);
    expect(terminal).toHaveLength(1);
  });

  it('merges contiguous v2 batches into one range', () => {
    const state = applyAll([callsSnapshot([], 0, { epoch: 'e', seq: 4 })]).state;
    const merged = coalesceFeedMessages([v2(5, 6), v2(7, 7), v2(8, 9)], state.cursors);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ epoch: 'e', fromSeq: 5, seq: 9, at: 90 });
  });

  it.each<[string, FeedMessage[]]>([
    ['a duplicate', [v2(5, 5), v2(5, 5), v2(6, 6)]],
    ['a gap', [v2(5, 5), v2(7, 7), v2(8, 8)]],
    ['another epoch', [v2(5, 5), v2(6, 6, [], 'f'), v2(7, 7, [], 'f')]],
    ['an overlap', [v2(5, 6), v2(6, 7), v2(8, 8)]],
  ])('keeps %s as a message of its own', (_name, messages) => {
    const state = applyAll([callsSnapshot([], 0, { epoch: 'e', seq: 4 })]).state;
    const merged = coalesceFeedMessages(messages, state.cursors);
    expect(merged[1]).toBe(messages[1]);
    expect(applyAll(merged, undefined, state).state.cursors).toEqual(
      applyAll(messages, undefined, state).state.cursors,
    );
  });

  it('with cursors, does not trust a v2 batch before any v2 snapshot', () => {
    const messages = [v2(1, 1), v2(2, 2)];
    expect(coalesceFeedMessages(messages, initialFeedState().cursors)).toEqual(messages);
    expect(coalesceFeedMessages(messages)).toHaveLength(1);
  });
});
