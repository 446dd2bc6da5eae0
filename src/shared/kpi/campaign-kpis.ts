import type { CallEntry, CampaignEntry, FeedState } from '../feed/types';
import { isCampaignEnded } from '../domain/lifecycle';
import { entriesOf, type EntryCollection } from '../feed/entries';
import {
  campaignDone,
  campaignSamples,
  type CampaignHistory,
  type ProgressSample,
} from './campaign-history';
import { parseTimeMs } from './call-times';

export interface CampaignProgress {
  campaignId: string;
  name: string | null;
  status: string;
  ended: boolean;
  total: number;
  done: number;
  remaining: number;
  /** 0..1, or null when the campaign has no total. */
  progress: number | null;
  answered: number;
  /** failedCalls + busyCalls. */
  failed: number;
  noAnswer: number;
  /** Shares of `done` (0..1), null before the first finished call. */
  answeredRate: number | null;
  failureRate: number | null;
  noAnswerRate: number | null;
  /** Calls of this campaign active now: counted in the feed when given, else the document's. */
  inProgress: number;
  /** Calls finished per minute, or null until there is enough history. */
  pacePerMinute: number | null;
  /** When it will be done at the current pace (ms), `now` when done, null when unknown. */
  etaAt: number | null;
  /** Calls finished in each of the last 30 minutes, oldest first. */
  sparkline: number[];
}

export const PACE_WINDOW_MS = 10 * 60_000;
const MIN_PACE_SPAN_MS = 60_000;
export const SPARKLINE_MINUTES = 30;

const n = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;
/** count / of, or null when there is nothing to divide by (a rate before its first case). */
export const shareOf = (count: number, of: number): number | null => (of > 0 ? count / of : null);

/** Pace over the last 10 minutes of samples (needs at least a minute of history). */
export function paceFromHistory(samples: readonly ProgressSample[], now: number): number | null {
  if (samples.length < 2) return null;
  const last = samples[samples.length - 1]!;
  let baseline = samples[0]!;
  for (const sample of samples) {
    if (sample.at <= now - PACE_WINDOW_MS) baseline = sample;
  }
  const span = now - baseline.at;
  if (span < MIN_PACE_SPAN_MS) return null;
  return Math.max(0, last.done - baseline.done) / (span / 60_000);
}

/** Calls finished in each of the last 30 one-minute buckets, oldest first. */
export function sparkline(samples: readonly ProgressSample[], now: number): number[] {
  const buckets = new Array<number>(SPARKLINE_MINUTES).fill(0);
  for (let i = 1; i < samples.length; i++) {
    const sample = samples[i]!;
    const gained = sample.done - samples[i - 1]!.done;
    if (gained <= 0) continue;
    const minutesAgo = Math.floor((now - sample.at) / 60_000);
    if (minutesAgo < 0 || minutesAgo >= SPARKLINE_MINUTES) continue;
    buckets[SPARKLINE_MINUTES - 1 - minutesAgo]! += gained;
  }
  return buckets;
}

export function computeCampaignProgress(
  entry: CampaignEntry,
  samples: readonly ProgressSample[],
  now: number,
  liveInProgress?: number,
): CampaignProgress {
  const { campaign } = entry;
  const done = campaignDone(campaign);
  const total = Math.max(n(campaign.totalCalls), done);
  const answered = n(campaign.answeredCalls);
  const failed = n(campaign.failedCalls) + n(campaign.busyCalls);
  const noAnswer = n(campaign.noAnswerCalls);
  let pace = paceFromHistory(samples, now);
  if (pace === null) {
    const started = parseTimeMs(campaign.startedAt);
    const span = started === null ? 0 : now - started;
    if (span >= MIN_PACE_SPAN_MS) pace = done / (span / 60_000);
  }
  const remaining = total - done;
  let etaAt: number | null = null;
  if (total > 0 && remaining <= 0) etaAt = now;
  else if (total > 0 && pace !== null && pace > 0) etaAt = now + (remaining / pace) * 60_000;
  return {
    campaignId: campaign.campaignId,
    name: typeof campaign.name === 'string' ? campaign.name : null,
    status: campaign.status,
    ended: entry.endedAt !== undefined || isCampaignEnded(campaign.status),
    total,
    done,
    remaining,
    progress: total > 0 ? done / total : null,
    answered,
    failed,
    noAnswer,
    answeredRate: shareOf(answered, done),
    failureRate: shareOf(failed, done),
    noAnswerRate: shareOf(noAnswer, done),
    inProgress: liveInProgress ?? n(campaign.inProgressCalls),
    pacePerMinute: pace,
    etaAt,
    sparkline: sparkline(samples, now),
  };
}

/** Active calls per campaignId in the feed (ended calls not counted). */
export function activeCallsByCampaign(calls: EntryCollection<CallEntry>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entriesOf(calls)) {
    const id = entry.call.campaignId;
    if (entry.endedAt !== undefined || typeof id !== 'string') continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/**
 * Progress of every campaign held. In-progress counts are taken live from the calls held once
 * the calls stream is synced (a snapshot arrived); before that, from the campaign documents.
 */
export function computeCampaignKpis(
  state: Pick<FeedState, 'calls' | 'campaigns'> & { cursors?: FeedState['cursors'] },
  history: CampaignHistory,
  now: number,
): CampaignProgress[] {
  const live = state.cursors?.calls.synced ? activeCallsByCampaign(state.calls) : null;
  return [...state.campaigns.values()].map((entry) => {
    const id = entry.campaign.campaignId;
    const inProgress = live ? (live.get(id) ?? 0) : undefined;
    return computeCampaignProgress(entry, campaignSamples(history, id), now, inProgress);
  });
}
