import { isCallEnded } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import {
  callTalkingSince,
  callWaitingSince,
  finalTalkSeconds,
  secondsBetween,
} from '../../../shared/kpi';

/**
 * When the duration shown for a call starts (the shared KPI clocks): talk time for a call in
 * progress, wait time for one queued or ringing.
 */
export function callClockStart(entry: CallEntry): number {
  if (isCallEnded(entry.call.status)) {
    // An ended call sorts as if its final duration had been reached when it ended.
    const end = entry.endedAt ?? entry.receivedAt;
    const final = finalTalkSeconds(entry);
    return final == null ? callWaitingSince(entry) : end - final * 1000;
  }
  return entry.call.status === 'in-progress' ? callTalkingSince(entry) : callWaitingSince(entry);
}

/** Seconds on the call's clock at `now`: live while active, final once it ended. */
export function callDurationSeconds(entry: CallEntry, now: number): number {
  if (isCallEnded(entry.call.status)) {
    return finalTalkSeconds(entry) ?? secondsBetween(callWaitingSince(entry), entry.endedAt ?? now);
  }
  return secondsBetween(callClockStart(entry), now);
}
