import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isCampaignEnded } from '../../../shared/domain';
import { callWaitingSince, computeCampaignProgress, secondsBetween } from '../../../shared/kpi';
import { formatClock } from '../../../shared/time-format';
import { UNKNOWN_CONTACT } from '../lib/call-list';
import { formatCount, formatPercent } from '../lib/format';
import { longestWaiting, wallboardContact } from '../lib/wallboard-calls';
import { useCallboard, useNow } from '../store/context';
import { ConnectionTile, KpiTiles, useHeaderKpis } from './kpi-tiles';
import { WallboardOutcomeTiles } from './outcome-tiles';

const NO_SAMPLES: readonly never[] = [];

function WallboardCampaign({ campaignId }: { campaignId: string }) {
  const entry = useCallboard((s) => s.campaigns[campaignId]);
  const samples = useCallboard((s) => s.campaignHistory.samples[campaignId] ?? NO_SAMPLES);
  const now = useNow();
  if (!entry) return null;
  const m = computeCampaignProgress(entry, samples, now);
  return (
    <li className="wall-campaign">
      <span className="wall-campaign-name">{entry.campaign.name ?? campaignId}</span>
      <span className="progress" aria-hidden="true">
        <span
          className="progress-fill"
          style={{ width: `${Math.min(1, m.progress ?? 0) * 100}%` }}
        />
      </span>
      <span className="wall-campaign-figure">
        {formatCount(m.done)} / {formatCount(m.total)} · {formatPercent(m.progress)}
      </span>
    </li>
  );
}

/**
 * The calls waiting longest, by who they are with: masked unless the supervisor turned that
 * off (Settings, Wallboard), since a wall TV is seen by everyone on the floor. Until the
 * settings are loaded it masks.
 */
function WaitingCalls() {
  const showInFull = useCallboard(
    (s) => s.settingsView?.settings.wallboard.showNumbersAndNames ?? false,
  );
  const waiting = useCallboard(useShallow((s) => longestWaiting(s.calls)));
  const now = useNow();
  if (waiting.length === 0) return null;
  return (
    <section className="wall-waiting" aria-label="Waiting longest">
      <h3>
        Waiting longest
        {showInFull ? null : <span className="muted"> · numbers and names masked</span>}
      </h3>
      <ol>
        {waiting.map((entry) => {
          const contact = wallboardContact(entry, showInFull);
          return (
            <li
              key={entry.call.callSid}
              className="wall-waiting-call"
              data-testid="wall-waiting-call"
            >
              <span className="wall-contact-name">{contact.name ?? UNKNOWN_CONTACT}</span>
              <span className="wall-contact-number mono">{contact.number ?? ''}</span>
              <span className="wall-wait mono">
                {formatClock(secondsBetween(callWaitingSince(entry), now))}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Big numbers for a wall TV. Escape (or the Exit button) goes back to the monitor. */
export function Wallboard() {
  const setView = useCallboard((s) => s.setView);
  const stale = useCallboard((s) => s.connection != null && s.connection.status !== 'live');
  const load = useCallboard((s) => s.load);
  const kpis = useHeaderKpis();
  const campaignIds = useCallboard(
    useShallow((s) =>
      Object.values(s.campaigns)
        .filter((e) => !isCampaignEnded(e.campaign.status))
        .map((e) => e.campaign.campaignId)
        .sort()
        .slice(0, 6),
    ),
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setView('monitor');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  return (
    <section
      className={`wallboard${stale ? ' is-stale' : ''}`}
      aria-label="Wallboard"
      data-testid="wallboard"
    >
      <div className="wall-top">
        <h2>Callboard</h2>
        {stale ? <span className="stale-tag">Stale</span> : null}
        <button
          type="button"
          onClick={() => {
            if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
            setView('monitor');
          }}
        >
          Exit wallboard
        </button>
      </div>
      {load.phase === 'loading' ? (
        <p className="panel-state" role="status">
          Loading…
        </p>
      ) : null}
      {load.phase === 'error' ? (
        <p className="panel-state" role="alert">
          Cannot reach the server: {load.message}
        </p>
      ) : null}
      <div className="wall-grid">
        <KpiTiles kpis={kpis} />
        <ConnectionTile />
        <WallboardOutcomeTiles />
      </div>
      <WaitingCalls />
      {campaignIds.length > 0 ? (
        <ul className="wall-campaigns" aria-label="Campaign progress">
          {campaignIds.map((id) => (
            <WallboardCampaign key={id} campaignId={id} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
