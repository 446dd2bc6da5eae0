import { describe, expect, it } from 'vitest';
import { initialFeedState } from '../../shared/feed/reducer';
import type { FeedMessage } from '../../shared/feed/types';
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
});
