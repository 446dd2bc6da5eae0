import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../shared/domain';
import { NOW } from '../test-support/memory-api';
import { campaignDone, campaignMetrics, sparklineBuckets } from './campaign-metrics';

const campaign = (patch: Partial<Campaign>): Campaign =>
  ({ campaignId: 'K1', status: 'running', ...patch }) as Campaign;

describe('campaign metrics', () => {
  it('counts done as the larger of completedCalls and the outcome counters', () => {
    expect(campaignDone(campaign({ completedCalls: 40 }))).toBe(40);
    expect(
      campaignDone(
        campaign({ completedCalls: 30, failedCalls: 5, noAnswerCalls: 5, answeredCalls: 30 }),
      ),
    ).toBe(40);
    expect(campaignDone(campaign({}))).toBe(0);
  });

  it('gives rates of done calls, pace from history and an ETA', () => {
    const m = campaignMetrics(
      campaign({
        totalCalls: 100,
        answeredCalls: 30,
        failedCalls: 6,
        busyCalls: 4,
        noAnswerCalls: 10,
        inProgressCalls: 3,
      }),
      [
        { at: NOW - 5 * 60_000, done: 25 },
        { at: NOW - 60_000, done: 50 },
      ],
      NOW,
    );
    expect(m.done).toBe(50);
    expect(m.progress).toBe(0.5);
    expect(m.answeredRate).toBe(0.6);
    expect(m.failed).toBe(10);
    expect(m.failedRate).toBe(0.2);
    expect(m.noAnswerRate).toBe(0.2);
    expect(m.inProgress).toBe(3);
    expect(m.pacePerMinute).toBe(5);
    expect(m.etaMs).toBe(10 * 60_000);
  });

  it('falls back to the pace since the campaign started, and says nothing without either', () => {
    const started = campaign({
      totalCalls: 100,
      completedCalls: 20,
      startedAt: new Date(NOW - 10 * 60_000).toISOString(),
    });
    expect(campaignMetrics(started, [], NOW).pacePerMinute).toBe(2);
    const unknown = campaignMetrics(campaign({ totalCalls: 100, completedCalls: 20 }), [], NOW);
    expect(unknown.pacePerMinute).toBeNull();
    expect(unknown.etaMs).toBeNull();
  });

  it('has an ETA of zero when done, and no progress without a total', () => {
    expect(campaignMetrics(campaign({ totalCalls: 10, completedCalls: 10 }), [], NOW).etaMs).toBe(
      0,
    );
    expect(campaignMetrics(campaign({}), [], NOW).progress).toBeNull();
  });

  it('puts finished calls in per-minute buckets over the last 30 minutes', () => {
    const buckets = sparklineBuckets(
      [
        { at: NOW - 40 * 60_000, done: 0 },
        { at: NOW - 29 * 60_000 - 1, done: 3 },
        { at: NOW - 30_000, done: 5 },
        { at: NOW - 10_000, done: 9 },
      ],
      NOW,
    );
    expect(buckets).toHaveLength(30);
    expect(buckets[0]).toBe(3);
    expect(buckets[29]).toBe(6);
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(9);
  });
});
