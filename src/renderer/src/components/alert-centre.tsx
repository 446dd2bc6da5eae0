import { useState } from 'react';
import type { Alert } from '../../../shared/alerts-types';
import type { IpcResult } from '../../../shared/ipc';
import { revealTarget } from '../lib/sync';
import { formatAgo, formatTime } from '../lib/format';
import { isAlertOpen, sortAlerts } from '../store/alerts-slice';
import { useApi, useCallboard, useNow, useStoreApi } from '../store/context';

const SNOOZE_MINUTES = 15;
const PAUSE_MINUTES = 30;

function useAction() {
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (action: () => Promise<IpcResult<null>>) => {
    setProblem(null);
    const result = await action().catch((e: unknown) => ({
      ok: false as const,
      message: e instanceof Error ? e.message : String(e),
    }));
    if (!result.ok) setProblem(result.message);
  };
  return { problem, run };
}

function AlertItem({ alert, now }: { alert: Alert; now: number }) {
  const api = useApi();
  const store = useStoreApi();
  const { problem, run } = useAction();
  const open = isAlertOpen(alert, now);
  const snoozed = alert.snoozedUntil != null && alert.snoozedUntil > now;
  const jumpLabel =
    alert.target.type === 'call'
      ? 'Show call'
      : alert.target.type === 'campaign'
        ? 'Show campaign'
        : null;
  return (
    <li
      className={`alert-item severity-${alert.severity}${open ? ' is-open' : ' is-done'}`}
      data-testid="alert-item"
      data-alert-id={alert.id}
      data-kind={alert.kind}
    >
      <div className="alert-head">
        <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>
        <strong>{alert.title}</strong>
        {alert.count > 1 ? <span className="muted"> ×{alert.count}</span> : null}
      </div>
      <p className="alert-message">{alert.message}</p>
      <p className="alert-meta muted">
        Raised {formatAgo(alert.raisedAt, now)}
        {alert.acknowledgedAt != null
          ? ` · acknowledged at ${formatTime(alert.acknowledgedAt)}`
          : ''}
        {snoozed ? ` · snoozed until ${formatTime(alert.snoozedUntil!)}` : ''}
        {alert.resolvedAt != null ? ` · resolved ${formatAgo(alert.resolvedAt, now)}` : ''}
      </p>
      <div className="alert-actions">
        {alert.acknowledgedAt == null ? (
          <button type="button" onClick={() => void run(() => api.acknowledgeAlert(alert.id))}>
            Acknowledge
          </button>
        ) : null}
        {open ? (
          <button
            type="button"
            onClick={() => void run(() => api.snoozeAlert(alert.id, SNOOZE_MINUTES))}
          >
            Snooze {SNOOZE_MINUTES} min
          </button>
        ) : null}
        {jumpLabel ? (
          <button type="button" onClick={() => revealTarget(store, alert.target)}>
            {jumpLabel}
          </button>
        ) : null}
      </div>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
    </li>
  );
}

export function AlertCentre() {
  const alerts = useCallboard((s) => s.alerts);
  const pausedUntil = useCallboard((s) => s.alertsPausedUntil);
  const api = useApi();
  const now = useNow();
  const { problem, run } = useAction();
  const sorted = sortAlerts(alerts, now);
  const openCount = sorted.filter((a) => isAlertOpen(a, now)).length;
  const paused = pausedUntil != null && pausedUntil > now;
  return (
    <section className="alert-centre" aria-label="Alert centre">
      <div className="alert-toolbar">
        <span role="status" data-testid="alerts-open-count">
          {openCount} unacknowledged
        </span>
        <button
          type="button"
          disabled={openCount === 0}
          onClick={() => void run(() => api.acknowledgeAllAlerts())}
        >
          Acknowledge all
        </button>
        <button type="button" onClick={() => void run(() => api.pauseAlerts(PAUSE_MINUTES))}>
          Pause {PAUSE_MINUTES} min
        </button>
      </div>
      {paused ? (
        <p className="muted">Notifications paused until {formatTime(pausedUntil)}.</p>
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {sorted.length === 0 ? (
        <p className="panel-state" role="status">
          No alerts. All quiet.
        </p>
      ) : (
        <ul className="alert-list" aria-label="Alerts">
          {sorted.map((alert) => (
            <AlertItem key={alert.id} alert={alert} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
