import type { AlertThresholds } from '../../../shared/alerts-types';
import type { ConnectionStatus } from '../../../shared/monitor';

/*
 * Threshold colouring of the header and wallboard tiles. The figures themselves come from the
 * shared KPI module (src/shared/kpi); only how they are coloured is the screen's business.
 */

export type Level = 'ok' | 'warn' | 'bad';

/** Green below half the threshold, amber up to it, red at or past it. */
export function levelFor(value: number | null, threshold: number): Level {
  if (value == null) return 'ok';
  if (value >= threshold) return 'bad';
  if (value >= threshold / 2) return 'warn';
  return 'ok';
}

export const waitLevel = (waitSeconds: number | null, t: AlertThresholds): Level =>
  levelFor(waitSeconds, t.waitingSeconds);

export const talkLevel = (talkSeconds: number | null, t: AlertThresholds): Level =>
  levelFor(talkSeconds, t.longCallMinutes * 60);

export const failureLevel = (rate: number | null, t: AlertThresholds): Level =>
  levelFor(rate == null ? null : rate * 100, t.campaignFailureRatePercent);

export function connectionLevel(status: ConnectionStatus | undefined): Level {
  if (status === 'live') return 'ok';
  if (status === 'failed' || status === 'stopped') return 'bad';
  return 'warn';
}
