import { describe, expect, it } from 'vitest';
import { applyFeedMessage, callsEndedBy } from '../feed/reducer';
import {
  applyAll,
  call,
  callsBatch,
  callsSnapshot,
  campaign,
  campaignsSnapshot,
} from '../feed/test-helpers';
import { createCampaignHistory, recordCampaignProgress } from './campaign-history';
import { createOutcomeWindow, recordOutcomes } from './outcome-window';
import { computeKpis } from './summary';

describe('computeKpis', () => {
  it('combines call, outcome and campaign figures as the core would feed them', () => {
    const first = applyAll([
      campaignsSnapshot([campaign('K', 'running', { totalCalls: 10, completedCalls: 2 })], 0),
      callsSnapshot([call('a', 'in-progress', { campaignId: 'K' }), call('b', 'ringing')], 0),
    ]).state;
    const t = applyFeedMessage(
      first,
      callsBatch([call('a', 'completed', { duration: 30 })], 1_000),
    );
    const outcomes = recordOutcomes(createOutcomeWindow(), callsEndedBy(first, t), 1_000);
    const history = recordCampaignProgress(createCampaignHistory(), t.state.campaigns, 1_000);
    const kpis = computeKpis(t.state, outcomes, history, 2_000);
    expect(kpis.calls.active).toBe(1);
    expect(kpis.outcomes).toMatchObject({ completed: 1, avgTalkSecondsCompleted: 30 });
    expect(kpis.campaigns).toHaveLength(1);
    expect(kpis.campaigns[0]).toMatchObject({ campaignId: 'K', done: 2, inProgress: 0 });
    expect(kpis.at).toBe(2_000);
  });
});
