import type { AlertThresholds } from '../../../shared/alerts-types';
import { FAILED_CALL_STATUSES } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import type { ConnectionStatus } from '../../../shared/monitor';
import { RECENT_ENDED_WINDOW_MS } from '../store/calls-slice';
import type { EndedCall } from '../store/types';
import { callStartedAt } from './call-time';

/*
 * Header and wallboard figures. Kept here, pure, until the shared KPI module (src/shared/kpi)
 * lands; then these delegate to it.
 */

export type Level = 'ok' | 'warn' | 'bad';

export interface CallCounts {
  active: number;
  queued: number;
  ringing: number;
  inProgress: number;
}

export function countCalls(calls: Readonly<Record<string, CallEntry>>): CallCounts {
  const counts: CallCounts = { active: 0, queued: 0, ringing: 0, inProgress: 0 };
  for (const { call } of Object.values(calls)) {
    switch (call.status) {
      case 'initiated':
      case 'queued':
        counts.queued++;
        break;
      case 'ringing':
        counts.ringing++;
        break;
      case 'in-progress':
        counts.inProgress++;
        break;
      default:
        continue;
    }
    counts.active++;
  }
  return counts;
}

/** When the longest-waiting (initiated, queued or ringing) call started waiting, or null. */
export function longestWaitStart(calls: Readonly<Record<string, CallEntry>>): number | null {
  let oldest: number | null = null;
  for (const entry of Object.values(calls)) {
    const s = entry.call.status;
    if (s !== 'initiated' && s !== 'queued' && s !== 'ringing') continue;
    const start = callStartedAt(entry);
    if (oldest == null || start < oldest) oldest = start;
  }
  return oldest;
}

export interface RecentOutcomes {
  completed: number;
  failed: number;
  /** Average talk time (s) of calls completed in the window, or null when none. */
  averageTalkSeconds: number | null;
  /** failed / (completed + failed), or null when nothing ended. */
  failureRate: number | null;
}

const failedSet: ReadonlySet<string> = new Set(FAILED_CALL_STATUSES);

export function recentOutcomes(recent: readonly EndedCall[], now: number): RecentOutcomes {
  const horizon = now - RECENT_ENDED_WINDOW_MS;
  let completed = 0;
  let failed = 0;
  let talk = 0;
  let talkCount = 0;
  for (const e of recent) {
    if (e.at < horizon) continue;
    if (e.status === 'completed') {
      completed++;
      if (typeof e.duration === 'number') {
        talk += e.duration;
        talkCount++;
      }
    } else if (failedSet.has(e.status)) failed++;
  }
  const ended = completed + failed;
  return {
    completed,
    failed,
    averageTalkSeconds: talkCount > 0 ? talk / talkCount : null,
    failureRate: ended > 0 ? failed / ended : null,
  };
}

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
