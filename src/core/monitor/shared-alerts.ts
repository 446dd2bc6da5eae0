import type { AlertThresholds } from '../../shared/alerts-types';
import {
  acknowledgeAlert,
  acknowledgeAllAlerts,
  createAlertEngineState,
  evaluateAlerts,
  snoozeAlert,
  type AlertEngineState,
} from '../../shared/alerts';
import { callsEndedBy, campaignsEndedBy } from '../../shared/feed/reducer';
import type { AlertsPort } from './alerts-port';

/**
 * The monitor core's AlertsPort over the pure alert engine (src/shared/alerts): holds the
 * engine state, feeds it the calls and campaigns that ended in each transition, and the
 * current state and connection on every tick, so duration rules fire on time passing.
 */
export function createAlertsPort(initial: AlertThresholds): AlertsPort {
  let thresholds = initial;
  let state: AlertEngineState = createAlertEngineState();
  return {
    observe({ cause, before, transition, connection, recent, now }) {
      const endedCalls = transition ? callsEndedBy(before, transition) : [];
      const endedCampaigns = transition ? campaignsEndedBy(before, transition) : [];
      // Duration rules walk every call: under load that waits for the next tick (at most a
      // second); a feed message is evaluated at once only when a call or campaign ended.
      if (cause === 'feed' && endedCalls.length === 0 && endedCampaigns.length === 0) {
        return { raised: [], changed: false };
      }
      const evaluation = evaluateAlerts(
        state,
        {
          feed: transition?.state ?? before,
          connection,
          endedCalls,
          endedCampaigns,
          recentCalls: recent,
        },
        thresholds,
        now,
      );
      state = evaluation.state;
      return { raised: evaluation.notify, changed: evaluation.changed };
    },
    list: () => [...state.alerts],
    acknowledge(alertId, now) {
      const result = acknowledgeAlert(state, alertId, now);
      if (result.ok) state = result.state;
      return result.ok;
    },
    acknowledgeAll(now) {
      const next = acknowledgeAllAlerts(state, now);
      const changed = next !== state;
      state = next;
      return changed;
    },
    snooze(alertId, until, now) {
      const result = snoozeAlert(state, alertId, until, now);
      if (result.ok) state = result.state;
      return result.ok;
    },
    setThresholds(next) {
      thresholds = next;
    },
  };
}
