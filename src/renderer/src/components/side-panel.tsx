import { isAlertOpen } from '../store/alerts-slice';
import { useCallboard, useNow } from '../store/context';
import type { SidePanel as Panel } from '../store/types';
import { AgentsPanel } from './agents-panel';
import { AlertCentre } from './alert-centre';
import { CampaignsPanel } from './campaigns-panel';
import { RecentCallsPanel } from './recent-calls-panel';

const TABS: { panel: Panel; label: string }[] = [
  { panel: 'campaigns', label: 'Campaigns' },
  { panel: 'alerts', label: 'Alerts' },
  { panel: 'recent', label: 'Recent calls' },
  { panel: 'agents', label: 'Agents' },
];

const BODIES: Record<Panel, () => React.JSX.Element> = {
  campaigns: CampaignsPanel,
  alerts: AlertCentre,
  recent: RecentCallsPanel,
  agents: AgentsPanel,
};

/** Campaigns, the alert centre, recent calls and agents share the right-hand column, as tabs. */
export function SidePanel() {
  const panel = useCallboard((s) => s.sidePanel);
  const setSidePanel = useCallboard((s) => s.setSidePanel);
  const alerts = useCallboard((s) => s.alerts);
  const stale = useCallboard((s) => s.connection != null && s.connection.status !== 'live');
  const now = useNow();
  const open = alerts.filter((a) => isAlertOpen(a, now)).length;
  return (
    <aside
      className={`side-panel panel${stale ? ' is-stale' : ''}`}
      aria-label="Campaigns, alerts, recent calls and agents"
    >
      <div role="tablist" aria-label="Side panel" className="tabs">
        {TABS.map((t) => (
          <button
            key={t.panel}
            type="button"
            role="tab"
            id={`tab-${t.panel}`}
            aria-selected={panel === t.panel}
            aria-controls={`tabpanel-${t.panel}`}
            tabIndex={panel === t.panel ? 0 : -1}
            onClick={() => setSidePanel(t.panel)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const at = TABS.findIndex((tab) => tab.panel === t.panel);
                const step = e.key === 'ArrowRight' ? 1 : TABS.length - 1;
                const next = TABS[(at + step) % TABS.length]!.panel;
                setSidePanel(next);
                document.getElementById(`tab-${next}`)?.focus();
              }
            }}
          >
            {t.label}
            {t.panel === 'alerts' && open > 0 ? <span className="badge-count">{open}</span> : null}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`tabpanel-${panel}`}
        aria-labelledby={`tab-${panel}`}
        className="tab-body"
      >
        {(() => {
          const Body = BODIES[panel];
          return <Body />;
        })()}
      </div>
    </aside>
  );
}
