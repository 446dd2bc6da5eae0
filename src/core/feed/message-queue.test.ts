import { describe, expect, it } from 'vitest';
import { initialFeedState } from '../../shared/feed/reducer';
import type { FeedMessage } from '../../shared/feed/types';
import { manualClock } from '../monitor/clock';
import { FeedMessageQueue } from './message-queue';

const batch = (seq: number, callSid: string): FeedMessage => ({
  kind: 'batch',
  stream: 'calls',
  calls: [{ callSid, status: 'ringing' } as never],
  removed: [],
  epoch: 'e1',
  fromSeq: seq,
  seq,
  at: seq,
});

function setup() {
  const state = initialFeedState();
  const cursors = { ...state.cursors, calls: { epoch: 'e1', seq: 0, synced: true } };
  const applied: FeedMessage[] = [];
  const queue = new FeedMessageQueue(
    () => cursors,
    (m) => applied.push(m),
  );
  return { queue, applied };
}

describe('FeedMessageQueue', () => {
  it('applies the messages of one turn as one merged batch on the next microtask', async () => {
    const { queue, applied } = setup();
    for (let seq = 1; seq <= 5; seq++) queue.push(batch(seq, `c${seq}`));
    expect(applied).toEqual([]);
    await Promise.resolve();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ kind: 'batch', fromSeq: 1, seq: 5 });
    expect(queue.stats).toEqual({ received: 5, applied: 1 });
  });

  it('applies a lone message as it came, and nothing is left queued', async () => {
    const { queue, applied } = setup();
    const message = batch(1, 'c1');
    queue.push(message);
    await Promise.resolve();
    expect(applied).toEqual([message]);
    expect(queue.size).toBe(0);
  });

  it('keeps a gap a message of its own, so the reducer still sees it', async () => {
    const { queue, applied } = setup();
    queue.push(batch(1, 'a'));
    queue.push(batch(3, 'b'));
    await Promise.resolve();
    expect(applied.map((m) => (m.kind === 'batch' ? m.fromSeq : null))).toEqual([1, 3]);
  });

  it('drains at once when asked, and forgets what is queued on clear', async () => {
    const { queue, applied } = setup();
    queue.push(batch(1, 'a'));
    queue.drain();
    expect(applied).toHaveLength(1);
    queue.push(batch(2, 'b'));
    queue.clear();
    await Promise.resolve();
    expect(applied).toHaveLength(1);
  });

  it('when apply throws: drops that message, keeps the ones after it, rethrows', () => {
    const applied: FeedMessage[] = [];
    let fail = true;
    const queue = new FeedMessageQueue(
      () => initialFeedState().cursors,
      (m) => {
        if (fail && m.kind === 'tick') throw new Error('boom');
        applied.push(m);
      },
    );
    queue.push(batch(1, 'a'));
    queue.push({ kind: 'tick', now: 1 });
    queue.push(batch(2, 'b'));
    expect(() => queue.drain()).toThrow('boom');
    expect(applied).toHaveLength(1);
    expect(queue.size).toBe(1);
    fail = false;
    queue.drain();
    expect(applied.map((m) => (m.kind === 'batch' ? m.seq : m.kind))).toEqual([1, 2]);
  });

  describe('pacing by cost', () => {
    /** A queue whose every apply costs `cost` ms of its monotonic clock. */
    function paced(cost: number, options: { budget?: number; maxWaitMs?: number } = {}) {
      const clock = manualClock(0);
      let mono = 0;
      const applied: FeedMessage[] = [];
      const cursors = {
        ...initialFeedState().cursors,
        calls: { epoch: 'e1', seq: 0, synced: true },
      };
      const queue = new FeedMessageQueue(
        () => cursors,
        (m) => {
          mono += cost;
          applied.push(m);
          if (m.kind === 'batch') cursors.calls = { ...cursors.calls, seq: m.seq! };
        },
        { timers: clock, monotonic: () => mono, ...options },
      );
      const advance = (ms: number) => {
        mono += ms;
        clock.advance(ms);
      };
      return { queue, applied, advance, clock };
    }

    it('keeps applying on the next microtask while applying is cheap', async () => {
      const { queue, applied, clock } = paced(0);
      for (let seq = 1; seq <= 3; seq++) {
        queue.push(batch(seq, `c${seq}`));
        await Promise.resolve();
        expect(applied).toHaveLength(seq);
      }
      expect(clock.pendingTimers()).toBe(0);
    });

    it('waits so that applying stays within the budget, and merges what came meanwhile', async () => {
      const { queue, applied, advance } = paced(2, { budget: 0.1, maxWaitMs: 50 });
      queue.push(batch(1, 'a'));
      await Promise.resolve();
      expect(applied).toHaveLength(1); // cost 2 ms: the next drain starts 20 ms after this one began
      queue.push(batch(2, 'b'));
      queue.push(batch(3, 'c'));
      await Promise.resolve();
      advance(17);
      expect(applied).toHaveLength(1);
      advance(1);
      expect(applied).toHaveLength(2);
      expect(applied[1]).toMatchObject({ fromSeq: 2, seq: 3 });
    });

    it('never holds a message longer than maxWaitMs', async () => {
      const { queue, applied, advance } = paced(40, { budget: 0.1, maxWaitMs: 50 });
      queue.push(batch(1, 'a'));
      await Promise.resolve();
      queue.push(batch(2, 'b'));
      advance(9);
      expect(applied).toHaveLength(1);
      advance(1);
      expect(applied).toHaveLength(2);
    });

    it('drain and clear stop the timer', async () => {
      const { queue, applied, clock } = paced(2);
      queue.push(batch(1, 'a'));
      await Promise.resolve();
      queue.push(batch(2, 'b'));
      expect(clock.pendingTimers()).toBe(1);
      queue.drain();
      expect(applied).toHaveLength(2);
      expect(clock.pendingTimers()).toBe(0);
      queue.push(batch(3, 'c'));
      queue.clear();
      expect(clock.pendingTimers()).toBe(0);
    });

    it('refuses a budget outside (0, 1]', () => {
      const make = (budget: number) =>
        new FeedMessageQueue(
          () => initialFeedState().cursors,
          () => undefined,
          { budget },
        );
      expect(() => make(0)).toThrow(/budget must be in \(0, 1\], got 0/);
      expect(() => make(2)).toThrow(/got 2/);
    });
  });
});
