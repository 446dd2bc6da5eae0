import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isCampaignEnded } from '../../../shared/domain';
import { computeCampaignProgress } from '../../../shared/kpi';
import { createActiveByCampaignSelector } from '../lib/calls-aggregates';
import { formatCount, formatDecimal, formatPercent, formatSpan } from '../lib/format';
import { failureLevel } from '../lib/kpis';
import { useCallboard, useNow } from '../store/context';
import { useThresholds } from './tile';
import { Sparkline } from './sparkline';

const NO_SAMPLES: readonly never[] = [];

export const CampaignCard = memo(function CampaignCard(props: {
  campaignId: string;
  /** Calls of this campaign active now, counted from the calls held. */
  liveInProgress: number | undefined;
}) {
  const { campaignId, liveInProgress } = props;
  const entry = useCallboard((s) => s.campaigns[campaignId]);
  const samples = useCallboard((s) => s.campaignHistory.samples[campaignId] ?? NO_SAMPLES);
  const filtered = useCallboard((s) => s.filters.campaignId === campaignId);
  const setFilters = useCallboard((s) => s.setFilters);
  const thresholds = useThresholds();
  const now = useNow();
  if (!entry) return null;
  const { campaign } = entry;
  const m = computeCampaignProgress(entry, samples, now, liveInProgress);
  const name = campaign.name ?? campaign.campaignId;
  const percentDone = m.progress == null ? null : Math.min(1, m.progress);
  const failLevel =
    m.done >= thresholds.campaignMinCalls ? failureLevel(m.failureRate, thresholds) : 'ok';
  return (
    <li className="campaign-item" data-testid="campaign-card" data-campaign-id={campaignId}>
      <button
        type="button"
        className={`campaign-card${filtered ? ' is-filtered' : ''}`}
        aria-pressed={filtered}
        aria-label={`${name}: ${m.done} of ${m.total} done. ${filtered ? 'Showing only its calls; press to show all calls' : 'Press to show only its calls'}`}
        onClick={() => setFilters({ campaignId: filtered ? '' : campaignId })}
      >
        <span className="campaign-head">
          <span className="campaign-name">{name}</span>
          <span className="campaign-status">{campaign.status}</span>
        </span>
        <span className="progress" aria-hidden="true">
          <span className="progress-fill" style={{ width: `${(percentDone ?? 0) * 100}%` }} />
        </span>
        <span className="campaign-progress" data-testid="campaign-progress">
          {formatCount(m.done)} / {formatCount(m.total)} done ({formatPercent(percentDone)})
        </span>
        <span className="campaign-stats">
          <span>
            Answered {formatCount(m.answered)} ({formatPercent(m.answeredRate)})
          </span>
          <span className={`level-${failLevel}`}>
            Failed {formatCount(m.failed)} ({formatPercent(m.failureRate)})
          </span>
          <span>
            No answer {formatCount(m.noAnswer)} ({formatPercent(m.noAnswerRate)})
          </span>
          <span>In progress {formatCount(m.inProgress)}</span>
        </span>
        <span className="campaign-foot">
          <span>
            Pace {m.pacePerMinute == null ? '–' : `${formatDecimal(m.pacePerMinute)}/min`}
          </span>
          <Sparkline
            values={m.sparkline}
            label={`${name}: calls finished per minute, last 30 minutes`}
          />
          <span>
            ETA {m.etaAt == null ? '–' : m.etaAt <= now ? 'done' : formatSpan(m.etaAt - now)}
          </span>
        </span>
      </button>
    </li>
  );
});

export function CampaignsPanel() {
  const load = useCallboard((s) => s.load.phase);
  const ids = useCallboard(
    useShallow((s) =>
      Object.values(s.campaigns)
        .filter((e) => !isCampaignEnded(e.campaign.status))
        .sort((a, b) =>
          (a.campaign.name ?? a.campaign.campaignId).localeCompare(
            b.campaign.name ?? b.campaign.campaignId,
          ),
        )
        .map((e) => e.campaign.campaignId),
    ),
  );
  // Live counts once calls are on screen; before that, the campaign documents' own counters.
  const selectLive = useMemo(() => createActiveByCampaignSelector(), []);
  const live = useCallboard((s) =>
    s.load.phase === 'ready' ? selectLive(s.calls, s.callsChange) : null,
  );
  if (load === 'loading')
    return (
      <p className="panel-state" role="status">
        Loading campaigns…
      </p>
    );
  if (load === 'error') return <p className="panel-state muted">Campaigns are unavailable.</p>;
  if (ids.length === 0) {
    return (
      <p className="panel-state" role="status">
        No active campaigns.
      </p>
    );
  }
  return (
    <ul className="campaign-list" aria-label="Active campaigns">
      {ids.map((id) => (
        <CampaignCard
          key={id}
          campaignId={id}
          liveInProgress={live ? (live[id] ?? 0) : undefined}
        />
      ))}
    </ul>
  );
}
