import type { Campaign } from '../../../shared/domain';
import type { ProgressSample } from '../store/types';

/*
 * Campaign figures for the campaigns panel and the wallboard. Backends disagree on whether
 * `completedCalls` counts every finished call or only answered ones, so "done" takes the larger
 * of completedCalls and the sum of the outcome counters.
 */

const n = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;

export function campaignDone(campaign: Campaign): number {
  const outcomes =
    n(campaign.answeredCalls) +
    n(campaign.failedCalls) +
    n(campaign.noAnswerCalls) +
    n(campaign.busyCalls);
  return Math.max(n(campaign.completedCalls), outcomes);
}

export interface CampaignMetrics {
  total: number;
  done: number;
  /** 0..1, or null when the campaign has no total. */
  progress: number | null;
  answered: number;
  failed: number;
  noAnswer: number;
  answeredRate: number | null;
  failedRate: number | null;
  noAnswerRate: number | null;
  inProgress: number;
  /** Calls finished per minute, or null until there is enough history. */
  pacePerMinute: number | null;
  /** Milliseconds until done at the current pace; 0 when done; null when unknown. */
  etaMs: number | null;
  /** Calls finished in each of the last 30 minutes, oldest first. */
  sparkline: number[];
}

const PACE_WINDOW_MS = 10 * 60_000;
const MIN_PACE_SPAN_MS = 60_000;
export const SPARKLINE_MINUTES = 30;

function paceFromHistory(history: readonly ProgressSample[], now: number): number | null {
  if (history.length < 2) return null;
  const last = history[history.length - 1]!;
  let baseline = history[0]!;
  for (const sample of history) {
    if (sample.at <= now - PACE_WINDOW_MS) baseline = sample;
  }
  const span = now - baseline.at;
  if (span < MIN_PACE_SPAN_MS) return null;
  return (last.done - baseline.done) / (span / 60_000);
}

function paceFromStart(campaign: Campaign, done: number, now: number): number | null {
  if (!campaign.startedAt) return null;
  const span = now - new Date(campaign.startedAt).getTime();
  if (!Number.isFinite(span) || span < MIN_PACE_SPAN_MS) return null;
  return done / (span / 60_000);
}

export function sparklineBuckets(history: readonly ProgressSample[], now: number): number[] {
  const buckets = new Array<number>(SPARKLINE_MINUTES).fill(0);
  for (let i = 1; i < history.length; i++) {
    const sample = history[i]!;
    const gained = sample.done - history[i - 1]!.done;
    if (gained <= 0) continue;
    const minutesAgo = Math.floor((now - sample.at) / 60_000);
    if (minutesAgo < 0 || minutesAgo >= SPARKLINE_MINUTES) continue;
    buckets[SPARKLINE_MINUTES - 1 - minutesAgo]! += gained;
  }
  return buckets;
}

const rate = (count: number, of: number): number | null => (of > 0 ? count / of : null);

export function campaignMetrics(
  campaign: Campaign,
  history: readonly ProgressSample[],
  now: number,
): CampaignMetrics {
  const done = campaignDone(campaign);
  const total = Math.max(n(campaign.totalCalls), done);
  const answered = n(campaign.answeredCalls);
  const failed = n(campaign.failedCalls) + n(campaign.busyCalls);
  const noAnswer = n(campaign.noAnswerCalls);
  const pace = paceFromHistory(history, now) ?? paceFromStart(campaign, done, now);
  const remaining = total - done;
  let etaMs: number | null = null;
  if (total > 0 && remaining <= 0) etaMs = 0;
  else if (total > 0 && pace != null && pace > 0) etaMs = (remaining / pace) * 60_000;
  return {
    total,
    done,
    progress: total > 0 ? done / total : null,
    answered,
    failed,
    noAnswer,
    answeredRate: rate(answered, done),
    failedRate: rate(failed, done),
    noAnswerRate: rate(noAnswer, done),
    inProgress: n(campaign.inProgressCalls),
    pacePerMinute: pace,
    etaMs,
    sparkline: sparklineBuckets(history, now),
  };
}
