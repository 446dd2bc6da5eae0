import type { Alert } from '../alerts-types';
import type { Settings } from '../settings';

/**
 * Which of the engine's `notify` alerts become OS notifications, per the user's notification
 * preferences (all off, or per kind). The engine already left out snoozed alerts and pauses.
 */
export function alertsToNotify(
  notify: readonly Alert[],
  prefs: Settings['notifications'],
): Alert[] {
  if (!prefs.enabled) return [];
  return notify.filter((alert) => prefs.kinds[alert.kind]);
}
