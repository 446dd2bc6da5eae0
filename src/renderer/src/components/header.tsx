import { describeLimitedAccess } from '../lib/access';
import { isAlertOpen } from '../store/alerts-slice';
import { useCallboard, useNow } from '../store/context';
import type { View } from '../store/types';
import { KpiStrip } from './kpi-tiles';

const VIEWS: { view: View; label: string }[] = [
  { view: 'monitor', label: 'Monitor' },
  { view: 'wallboard', label: 'Wallboard' },
  { view: 'settings', label: 'Settings' },
];

export function AlertsBadge() {
  const alerts = useCallboard((s) => s.alerts);
  const setSidePanel = useCallboard((s) => s.setSidePanel);
  const setView = useCallboard((s) => s.setView);
  const now = useNow();
  const open = alerts.filter((a) => isAlertOpen(a, now)).length;
  return (
    <button
      type="button"
      className={`alerts-badge${open > 0 ? ' has-alerts' : ''}`}
      aria-label={`Alerts: ${open} unacknowledged`}
      onClick={() => {
        setView('monitor');
        setSidePanel('alerts');
      }}
    >
      Alerts{' '}
      <span className="badge-count" data-testid="alerts-badge-count" aria-live="polite">
        {open}
      </span>
    </button>
  );
}

/**
 * Demo mode, or a server that says its data is simulated (`callboard serve --demo`), shows
 * simulated calls: say so where a supervisor cannot miss it, with one click to the settings
 * that connect to a real server or MongoDB.
 */
export function DemoMarker() {
  const source = useCallboard((s) =>
    s.connection?.mode === 'demo' ? 'app' : s.connection?.simulated ? 'server' : null,
  );
  const setView = useCallboard((s) => s.setView);
  if (!source) return null;
  return (
    <div className="demo-marker" role="status">
      <span
        className="demo-label"
        title={
          source === 'server'
            ? 'The server runs simulated traffic (callboard serve --demo)'
            : 'The app runs simulated traffic (demo mode)'
        }
      >
        Demo data
      </span>
      <button type="button" onClick={() => setView('settings')}>
        Connect to real data…
      </button>
    </div>
  );
}

/**
 * A token without every scope (issue 19: a wallboard token has no transcripts and no `pii`):
 * say what this screen will not show, so an empty transcript or a masked number is not taken
 * for missing data. The scopes themselves are read out with the label and shown on hover.
 */
export function AccessMarker() {
  const scopes = useCallboard((s) => s.connection?.scopes);
  const access = describeLimitedAccess(scopes);
  if (!access) return null;
  return (
    <div className="access-marker" role="note" title={access.scopes} data-testid="access-marker">
      <span className="access-label">{access.summary}</span>
      <span className="sr-only">. {access.scopes}.</span>
    </div>
  );
}

export function Header() {
  const view = useCallboard((s) => s.view);
  const setView = useCallboard((s) => s.setView);
  return (
    <header className="app-header">
      <div className="top-bar">
        <h1>Callboard</h1>
        <DemoMarker />
        <AccessMarker />
        <nav aria-label="Views" className="view-nav">
          {VIEWS.map((v) => (
            <button
              key={v.view}
              type="button"
              aria-current={view === v.view ? 'page' : undefined}
              onClick={() => {
                // A wall TV wants the whole screen; the browser may refuse, which is fine.
                if (v.view === 'wallboard') {
                  void document.documentElement.requestFullscreen?.().catch(() => undefined);
                }
                setView(v.view);
              }}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <AlertsBadge />
      </div>
      <KpiStrip />
    </header>
  );
}
