import type { Alert } from '../../../shared/alerts-types';
import type { MonitorDelta, MonitorSnapshot } from '../../../shared/monitor';
import type { AlertsSlice } from './types';

export const initialAlertsState: AlertsSlice = { alerts: [], alertsPausedUntil: null };

export function alertsFromSnapshot(snapshot: MonitorSnapshot): AlertsSlice {
  return { alerts: snapshot.alerts, alertsPausedUntil: snapshot.alertsPausedUntil };
}

export function alertsFromDelta(state: AlertsSlice, delta: MonitorDelta): AlertsSlice {
  return {
    alerts: delta.alerts ?? state.alerts,
    alertsPausedUntil:
      delta.alertsPausedUntil !== undefined ? delta.alertsPausedUntil : state.alertsPausedUntil,
  };
}

/** An alert needs the supervisor while it is unacknowledged and not snoozed. */
export function isAlertOpen(alert: Alert, now: number): boolean {
  return alert.acknowledgedAt == null && (alert.snoozedUntil == null || alert.snoozedUntil <= now);
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Unacknowledged first, then by severity, newest first. */
export function sortAlerts(alerts: readonly Alert[], now: number): Alert[] {
  return [...alerts].sort((a, b) => {
    const open = Number(isAlertOpen(b, now)) - Number(isAlertOpen(a, now));
    if (open !== 0) return open;
    const severity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
    if (severity !== 0) return severity;
    return b.lastSeenAt - a.lastSeenAt;
  });
}
