import type { FeedState } from '../feed/types';
import { computeCallKpis, type CallKpis } from './call-kpis';
import type { CampaignHistory } from './campaign-history';
import { computeCampaignKpis, type CampaignProgress } from './campaign-kpis';
import { summarizeOutcomes, type OutcomeSummary, type OutcomeWindow } from './outcome-window';

/** Everything the KPI bar, the wallboard and `callboard tail --stats` show, in one call. */
export interface KpiSummary {
  calls: CallKpis;
  /** Outcomes of the last 15 minutes (the window's length). */
  outcomes: OutcomeSummary;
  campaigns: CampaignProgress[];
  at: number;
}

export function computeKpis(
  state: Pick<FeedState, 'calls' | 'campaigns' | 'cursors'>,
  outcomes: OutcomeWindow,
  history: CampaignHistory,
  now: number,
): KpiSummary {
  return {
    calls: computeCallKpis(state.calls, now),
    outcomes: summarizeOutcomes(outcomes, now),
    campaigns: computeCampaignKpis(state, history, now),
    at: now,
  };
}
