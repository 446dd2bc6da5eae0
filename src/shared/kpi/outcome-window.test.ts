import { describe, expect, it } from 'vitest';
import { call } from '../feed/test-helpers';
import type { CallEntry } from '../feed/types';
import type { CallStatus } from '../domain/lifecycle';
import {
  createOutcomeWindow,
  pruneOutcomes,
  recordOutcomes,
  summarizeOutcomes,
} from './outcome-window';

const MIN = 60_000;
const ended = (sid: string, status: CallStatus, at: number, extra = {}): CallEntry => ({
  call: call(sid, status, extra),
  receivedAt: at,
  endedAt: at,
});

describe('outcome window', () => {
  it('counts completed and failed calls of the last 15 minutes', () => {
    let w = createOutcomeWindow();
    w = recordOutcomes(
      w,
      [
        ended('a', 'completed', 0, { duration: 60 }),
        ended('b', 'failed', 1 * MIN),
        ended('c', 'busy', 2 * MIN),
        ended('d', 'no-answer', 3 * MIN),
        ended('e', 'completed', 4 * MIN, { duration: 120 }),
        ended('f', 'canceled', 5 * MIN),
        ended('g', 'completed', 6 * MIN),
      ],
      6 * MIN,
    );
    const now = summarizeOutcomes(w, 6 * MIN);
    expect(now).toMatchObject({ completed: 3, failed: 3, total: 7, avgTalkSecondsCompleted: 90 });
    expect(now.byStatus).toEqual({
      completed: 3,
      failed: 1,
      busy: 1,
      'no-answer': 1,
      canceled: 1,
      unknown: 0,
    });
    // 15 minutes after the first call ended, it has left the window.
    const later = summarizeOutcomes(w, 15 * MIN);
    expect(later).toMatchObject({ completed: 2, failed: 3, avgTalkSecondsCompleted: 120 });
    expect(summarizeOutcomes(w, 30 * MIN).total).toBe(0);
  });

  it('records a call once, even when its terminal update is replayed', () => {
    const first = recordOutcomes(createOutcomeWindow(), [ended('a', 'failed', 10)], 10);
    const again = recordOutcomes(first, [ended('a', 'failed', 20)], 20);
    expect(again).toBe(first);
    expect(again.samples).toHaveLength(1);
  });

  it('skips entries that are not terminal and ones already outside the window', () => {
    const w = recordOutcomes(
      createOutcomeWindow({ windowMs: MIN }),
      [
        { call: call('x', 'in-progress'), receivedAt: 0, endedAt: 5 * MIN },
        ended('old', 'failed', 0),
        ended('new', 'failed', 5 * MIN, { campaignId: 'K' }),
      ],
      5 * MIN,
    );
    expect(w.samples).toEqual([
      { callSid: 'new', status: 'failed', at: 5 * MIN, talkSeconds: null, campaignId: 'K' },
    ]);
  });

  it('is bounded: the oldest samples go first', () => {
    let w = createOutcomeWindow({ maxSamples: 3 });
    for (let i = 0; i < 10; i++) w = recordOutcomes(w, [ended(`c${i}`, 'completed', i)], i);
    expect(w.samples.map((s) => s.callSid)).toEqual(['c7', 'c8', 'c9']);
  });

  it('prune returns the same window when nothing expired', () => {
    const w = recordOutcomes(createOutcomeWindow(), [ended('a', 'failed', 100)], 100);
    expect(pruneOutcomes(w, 200)).toBe(w);
    expect(pruneOutcomes(w, 100 + 15 * MIN).samples).toEqual([]);
  });

  it.each([
    [{ windowMs: 0 }, /windowMs must be a positive number/],
    [{ maxSamples: 0 }, /maxSamples must be an integer >= 1/],
    [{ maxSamples: 1.5 }, /maxSamples must be an integer >= 1/],
  ])('rejects options %j', (options, error) => {
    expect(() => createOutcomeWindow(options)).toThrow(error);
  });
});
