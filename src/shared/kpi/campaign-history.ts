import type { Campaign } from '../domain/schemas';
import type { CampaignEntry } from '../feed/types';
import { entriesOf, type EntryCollection } from '../feed/entries';

/**
 * A bounded per-campaign history of (time, done) samples, for pace, ETA and the 30-minute
 * sparkline. Immutable like the feed state. At most one sample per `resolutionMs` slot (the
 * newest sample of a slot replaces the one before it), samples older than `maxAgeMs` dropped
 * (one older sample is kept as the baseline), so each campaign holds about
 * maxAgeMs / resolutionMs samples whatever the call rate.
 */
export interface ProgressSample {
  at: number;
  done: number;
}

export interface CampaignHistory {
  readonly resolutionMs: number;
  readonly maxAgeMs: number;
  readonly samples: Readonly<Record<string, readonly ProgressSample[]>>;
}

const n = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;

/**
 * Calls of the campaign that are finished. Backends disagree on whether `completedCalls`
 * counts every finished call or only answered ones, so "done" is the larger of completedCalls
 * and the sum of the outcome counters (the same rule as the renderer's campaign panel).
 */
export function campaignDone(campaign: Campaign): number {
  const outcomes =
    n(campaign.answeredCalls) +
    n(campaign.failedCalls) +
    n(campaign.noAnswerCalls) +
    n(campaign.busyCalls);
  return Math.max(n(campaign.completedCalls), outcomes);
}

export function createCampaignHistory(
  options: { resolutionMs?: number; maxAgeMs?: number } = {},
): CampaignHistory {
  const resolutionMs = options.resolutionMs ?? 15_000;
  const maxAgeMs = options.maxAgeMs ?? 31 * 60_000;
  if (!(resolutionMs > 0) || !(maxAgeMs > resolutionMs)) {
    throw new RangeError(
      `campaign history needs 0 < resolutionMs < maxAgeMs, got ${resolutionMs} and ${maxAgeMs}`,
    );
  }
  return { resolutionMs, maxAgeMs, samples: Object.create(null) as Record<string, never> };
}

function addSample(
  history: CampaignHistory,
  samples: readonly ProgressSample[],
  done: number,
  now: number,
): readonly ProgressSample[] {
  const last = samples[samples.length - 1];
  // A counter that went down was reset (or the campaign restarted): start over.
  if (!last || done < last.done || now < last.at) return [{ at: now, done }];
  if (last.done === done && now - last.at < history.resolutionMs) return samples;
  // Slots of resolutionMs: the newest sample of a slot replaces the one before it in that slot
  // (the very first sample stays as it is, the baseline).
  const slot = (at: number) => Math.floor(at / history.resolutionMs);
  const next =
    samples.length >= 2 && slot(last.at) === slot(now)
      ? [...samples.slice(0, -1), { at: now, done }]
      : [...samples, { at: now, done }];
  // Keep one sample at or before the cutoff as the baseline for pace and the sparkline.
  const cutoff = now - history.maxAgeMs;
  let first = 0;
  while (first + 1 < next.length && next[first + 1]!.at <= cutoff) first++;
  return first > 0 ? next.slice(first) : next;
}

/** Records the current done-count of every campaign; forgets campaigns long gone. */
export function recordCampaignProgress(
  history: CampaignHistory,
  campaigns: EntryCollection<CampaignEntry>,
  now: number,
): CampaignHistory {
  const samples = Object.assign(Object.create(null), history.samples) as Record<
    string,
    readonly ProgressSample[]
  >;
  let changed = false;
  const seen = new Set<string>();
  for (const entry of entriesOf(campaigns)) {
    const id = entry.campaign.campaignId;
    seen.add(id);
    const before = Object.prototype.hasOwnProperty.call(samples, id) ? samples[id]! : [];
    const after = addSample(history, before, campaignDone(entry.campaign), now);
    if (after !== before) {
      samples[id] = after;
      changed = true;
    }
  }
  for (const id of Object.keys(samples)) {
    const list = samples[id]!;
    if (!seen.has(id) && list[list.length - 1]!.at <= now - history.maxAgeMs) {
      delete samples[id];
      changed = true;
    }
  }
  return changed ? { ...history, samples } : history;
}

export function campaignSamples(
  history: CampaignHistory,
  campaignId: string,
): readonly ProgressSample[] {
  return Object.prototype.hasOwnProperty.call(history.samples, campaignId)
    ? history.samples[campaignId]!
    : [];
}
