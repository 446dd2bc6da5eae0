import type { Alert } from '../alerts-types';
import type { AlertEngineState } from './engine';

/**
 * What a supervisor does to alerts. Each returns a new engine state, or says why nothing was
 * done (an unknown alert id: the alert may have left the bounded history).
 */
export type AlertActionResult =
  | { ok: true; state: AlertEngineState }
  | { ok: false; code: 'not-found' | 'bad-request'; message: string };

function update(
  state: AlertEngineState,
  id: string,
  change: (alert: Alert) => Alert,
): AlertActionResult {
  const index = state.alerts.findIndex((a) => a.id === id);
  if (index < 0) {
    return {
      ok: false,
      code: 'not-found',
      message: `no alert ${JSON.stringify(id.slice(0, 200))}`,
    };
  }
  const alerts = [...state.alerts];
  alerts[index] = change(alerts[index]!);
  return { ok: true, state: { ...state, alerts } };
}

function checkTime(name: string, value: number): string | null {
  return Number.isFinite(value)
    ? null
    : `${name} must be a finite time in ms, got ${String(value)}`;
}

export function acknowledgeAlert(
  state: AlertEngineState,
  id: string,
  now: number,
): AlertActionResult {
  const bad = checkTime('now', now);
  if (bad) return { ok: false, code: 'bad-request', message: bad };
  return update(state, id, (a) =>
    a.acknowledgedAt !== undefined ? a : { ...a, acknowledgedAt: now },
  );
}

export function acknowledgeAllAlerts(state: AlertEngineState, now: number): AlertEngineState {
  if (!state.alerts.some((a) => a.acknowledgedAt === undefined)) return state;
  return {
    ...state,
    alerts: state.alerts.map((a) =>
      a.acknowledgedAt !== undefined ? a : { ...a, acknowledgedAt: now },
    ),
  };
}

/** Not notified, and not active, until `until`. */
export function snoozeAlert(
  state: AlertEngineState,
  id: string,
  until: number,
  now: number,
): AlertActionResult {
  const bad = checkTime('until', until) ?? checkTime('now', now);
  if (bad) return { ok: false, code: 'bad-request', message: bad };
  if (until <= now)
    return { ok: false, code: 'bad-request', message: 'snooze must end in the future' };
  return update(state, id, (a) => ({ ...a, snoozedUntil: until }));
}
