import type { CampaignEntry } from '../../../shared/feed/types';
import type { MonitorDelta, MonitorSnapshot } from '../../../shared/monitor';
import { campaignDone } from '../lib/campaign-metrics';
import type { CampaignsSlice, ProgressSample } from './types';

/** The sparkline shows 30 minutes; pace and ETA look at the same history. */
export const HISTORY_WINDOW_MS = 30 * 60_000;

export const initialCampaignsState: CampaignsSlice = { campaigns: {}, campaignHistory: {} };

function appendSamples(
  history: CampaignsSlice['campaignHistory'],
  entries: readonly CampaignEntry[],
  at: number,
): CampaignsSlice['campaignHistory'] {
  if (entries.length === 0) return history;
  const next: Record<string, readonly ProgressSample[]> = { ...history };
  const horizon = at - HISTORY_WINDOW_MS;
  for (const entry of entries) {
    const id = entry.campaign.campaignId;
    const done = campaignDone(entry.campaign);
    const previous = next[id] ?? [];
    const last = previous[previous.length - 1];
    if (last && last.done === done) continue;
    const sampleAt = entry.receivedAt || at;
    const kept = previous.filter((s) => s.at >= horizon);
    next[id] = [...kept, { at: sampleAt, done }];
  }
  return next;
}

export function campaignsFromSnapshot(
  state: CampaignsSlice,
  snapshot: MonitorSnapshot,
): CampaignsSlice {
  const campaigns: Record<string, CampaignEntry> = {};
  for (const entry of snapshot.campaigns) campaigns[entry.campaign.campaignId] = entry;
  const history: Record<string, readonly ProgressSample[]> = {};
  for (const id of Object.keys(campaigns)) {
    const kept = state.campaignHistory[id];
    if (kept) history[id] = kept;
  }
  return {
    campaigns,
    campaignHistory: appendSamples(history, snapshot.campaigns, snapshot.at),
  };
}

export function campaignsFromDelta(state: CampaignsSlice, delta: MonitorDelta): CampaignsSlice {
  const upserted = delta.campaignsUpserted ?? [];
  const removed = delta.campaignsRemoved ?? [];
  if (upserted.length === 0 && removed.length === 0) {
    return { campaigns: state.campaigns, campaignHistory: state.campaignHistory };
  }
  const campaigns: Record<string, CampaignEntry> = { ...state.campaigns };
  for (const entry of upserted) campaigns[entry.campaign.campaignId] = entry;
  for (const id of removed) delete campaigns[id];
  let campaignHistory = appendSamples(state.campaignHistory, upserted, delta.at);
  if (removed.length > 0) {
    const next = { ...campaignHistory };
    for (const id of removed) delete next[id];
    campaignHistory = next;
  }
  return { campaigns, campaignHistory };
}
