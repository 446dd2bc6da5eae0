import type { CampaignEntry } from '../../../shared/feed/types';
import { createCampaignHistory, recordCampaignProgress } from '../../../shared/kpi';
import type { MonitorDelta, MonitorSnapshot } from '../../../shared/monitor';
import type { CampaignsSlice } from './types';

export function initialCampaignsState(): CampaignsSlice {
  return { campaigns: {}, campaignHistory: createCampaignHistory() };
}

export function campaignsFromSnapshot(
  state: CampaignsSlice,
  snapshot: MonitorSnapshot,
): CampaignsSlice {
  const campaigns: Record<string, CampaignEntry> = {};
  for (const entry of snapshot.campaigns) campaigns[entry.campaign.campaignId] = entry;
  return {
    campaigns,
    campaignHistory: recordCampaignProgress(state.campaignHistory, campaigns, snapshot.at),
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
  return {
    campaigns,
    campaignHistory: recordCampaignProgress(state.campaignHistory, campaigns, delta.at),
  };
}
