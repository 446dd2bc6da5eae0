import { describe, expect, it } from 'vitest';
import { applyAll, call, callsSnapshot, campaign, campaignsSnapshot } from '../feed/test-helpers';
import type { CampaignEntry } from '../feed/types';
import type { Campaign } from '../domain/schemas';
import {
  campaignDone,
  campaignSamples,
  createCampaignHistory,
  recordCampaignProgress,
} from './campaign-history';
import { computeCampaignKpis, computeCampaignProgress, sparkline } from './campaign-kpis';

const MIN = 60_000;
const entry = (c: Campaign): CampaignEntry => ({ campaign: c, receivedAt: 0 });

describe('campaignDone', () => {
  it.each<[Partial<Campaign>, number]>([
    [{ completedCalls: 40 }, 40],
    [{ completedCalls: 10, answeredCalls: 8, failedCalls: 3, noAnswerCalls: 2, busyCalls: 1 }, 14],
    [{ completedCalls: -5 }, 0],
    [{ completedCalls: Number.NaN, failedCalls: 2 }, 2],
    [{}, 0],
  ])('%j -> %i', (fields, done) => {
    expect(campaignDone(campaign('K', 'running', fields))).toBe(done);
  });
});

describe('computeCampaignProgress', () => {
  const doc = campaign('K', 'running', {
    name: 'Renewals',
    totalCalls: 200,
    answeredCalls: 60,
    failedCalls: 15,
    busyCalls: 5,
    noAnswerCalls: 20,
    inProgressCalls: 7,
  });

  it('derives counts, rates and failure rate from the counters', () => {
    const p = computeCampaignProgress(entry(doc), [], 0);
    expect(p).toMatchObject({
      campaignId: 'K',
      name: 'Renewals',
      total: 200,
      done: 100,
      remaining: 100,
      progress: 0.5,
      answered: 60,
      failed: 20,
      noAnswer: 20,
      answeredRate: 0.6,
      failureRate: 0.2,
      noAnswerRate: 0.2,
      inProgress: 7,
      pacePerMinute: null,
      etaAt: null,
      ended: false,
    });
    expect(p.sparkline).toHaveLength(30);
  });

  it('computes pace and ETA from the history', () => {
    const samples = [
      { at: 0, done: 40 },
      { at: 5 * MIN, done: 70 },
      { at: 10 * MIN, done: 100 },
    ];
    const p = computeCampaignProgress(entry(doc), samples, 10 * MIN);
    expect(p.pacePerMinute).toBe(6);
    // 100 remaining at 6 per minute: 16 min 40 s from now.
    expect(p.etaAt).toBe(10 * MIN + (100 / 6) * MIN);
  });

  it('falls back to the pace since startedAt, and is done when nothing remains', () => {
    const started = campaign('K', 'running', {
      totalCalls: 50,
      completedCalls: 20,
      startedAt: new Date(0).toISOString(),
    });
    expect(computeCampaignProgress(entry(started), [], 10 * MIN).pacePerMinute).toBe(2);
    const finished = campaign('K', 'completed', { totalCalls: 50, completedCalls: 50 });
    expect(computeCampaignProgress(entry(finished), [], 5)).toMatchObject({
      etaAt: 5,
      ended: true,
    });
  });

  it('has no rates before the first finished call and no progress without a total', () => {
    const p = computeCampaignProgress(entry(campaign('K', 'running')), [], 0);
    expect(p).toMatchObject({ progress: null, failureRate: null, answeredRate: null });
  });
});

describe('sparkline', () => {
  it('puts each gain in the minute it happened, oldest first, dropping older than 30 min', () => {
    const now = 40 * MIN;
    const buckets = sparkline(
      [
        { at: 0, done: 0 },
        { at: 5 * MIN, done: 4 }, // 35 min ago: outside
        { at: 39 * MIN + 30_000, done: 9 }, // this minute
        { at: 20 * MIN, done: 9 }, // no gain
        { at: 38 * MIN, done: 12 }, // 2 minutes ago
      ],
      now,
    );
    expect(buckets[29]).toBe(5);
    expect(buckets[27]).toBe(3);
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(8);
  });
});

describe('campaign history', () => {
  const withDone = (done: number) => entry(campaign('K', 'running', { completedCalls: done }));

  it('keeps at most one sample per resolution slot and drops old ones (keeping a baseline)', () => {
    let h = createCampaignHistory({ resolutionMs: 15_000, maxAgeMs: 31 * MIN });
    for (let t = 0; t <= 60 * MIN; t += 1_000) {
      h = recordCampaignProgress(h, [withDone(Math.floor(t / 1000))], t);
    }
    const samples = campaignSamples(h, 'K');
    expect(samples.length).toBeLessThanOrEqual(31 * 4 + 3);
    expect(samples[0]!.at).toBeLessThanOrEqual(60 * MIN - 31 * MIN);
    expect(samples[1]!.at).toBeGreaterThan(60 * MIN - 31 * MIN);
    expect(samples[samples.length - 1]).toEqual({ at: 60 * MIN, done: 3600 });
    const slots = samples.map((s) => Math.floor(s.at / 15_000));
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('returns the same history when nothing changed, starts over when a counter went down', () => {
    let h = recordCampaignProgress(createCampaignHistory(), [withDone(5)], 0);
    expect(recordCampaignProgress(h, [withDone(5)], 1_000)).toBe(h);
    h = recordCampaignProgress(h, [withDone(9)], 20_000);
    expect(campaignSamples(h, 'K')).toHaveLength(2);
    h = recordCampaignProgress(h, [withDone(1)], 40_000);
    expect(campaignSamples(h, 'K')).toEqual([{ at: 40_000, done: 1 }]);
  });

  it('forgets a campaign that left long ago, but not one that just left', () => {
    let h = recordCampaignProgress(createCampaignHistory(), [withDone(5)], 0);
    h = recordCampaignProgress(h, [], 60_000);
    expect(campaignSamples(h, 'K')).toHaveLength(1);
    h = recordCampaignProgress(h, [], 32 * MIN);
    expect(campaignSamples(h, 'K')).toEqual([]);
  });

  it('treats __proto__ as a plain campaign id', () => {
    const h = recordCampaignProgress(
      createCampaignHistory(),
      [entry(campaign('__proto__', 'running', { completedCalls: 3 }))],
      0,
    );
    expect(campaignSamples(h, '__proto__')).toEqual([{ at: 0, done: 3 }]);
    expect(campaignSamples(h, 'toString')).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => createCampaignHistory({ resolutionMs: 0 })).toThrow(/resolutionMs/);
  });
});

describe('computeCampaignKpis', () => {
  it('counts in-progress calls live once the calls stream is synced', () => {
    const msgs = [
      campaignsSnapshot([campaign('K', 'running', { inProgressCalls: 9 })], 0),
      callsSnapshot(
        [
          call('a', 'in-progress', { campaignId: 'K' }),
          call('b', 'ringing', { campaignId: 'K' }),
          call('c', 'ringing'),
        ],
        0,
      ),
    ];
    const synced = applyAll(msgs).state;
    expect(computeCampaignKpis(synced, createCampaignHistory(), 0)[0]!.inProgress).toBe(2);
    const campaignsOnly = applyAll(msgs.slice(0, 1)).state;
    expect(computeCampaignKpis(campaignsOnly, createCampaignHistory(), 0)[0]!.inProgress).toBe(9);
  });
});
