import { ACTIVE_CALL_STATUSES, type ActiveCallStatus } from '../domain/lifecycle';
import { entriesOf, type EntryCollection } from '../feed/entries';
import type { CallEntry } from '../feed/types';
import { callTalkingSince, callWaitingSince, isWaitingStatus, secondsBetween } from './call-times';

/** Figures about the calls active now (ended calls still lingering on screen are not counted). */
export interface CallKpis {
  active: number;
  byStatus: Record<ActiveCallStatus, number>;
  /** Active calls whose status no mapping knows (shown marked; not in byStatus). */
  unknownStatus: number;
  /** The queued or ringing call that has waited longest, or null when none waits. */
  longestWait: { callSid: string; status: 'queued' | 'ringing'; seconds: number } | null;
  /** The call in progress the longest, or null. */
  longestTalk: { callSid: string; seconds: number } | null;
  /** Average seconds talked so far by the calls in progress, or null when none is. */
  avgTalkSecondsInProgress: number | null;
}

export type CallEntries = EntryCollection<CallEntry>;

export function computeCallKpis(calls: CallEntries, now: number): CallKpis {
  const byStatus = Object.fromEntries(ACTIVE_CALL_STATUSES.map((s) => [s, 0])) as Record<
    ActiveCallStatus,
    number
  >;
  let active = 0;
  let unknownStatus = 0;
  let longestWait: CallKpis['longestWait'] = null;
  let longestTalk: CallKpis['longestTalk'] = null;
  let talkTotal = 0;
  let talking = 0;
  for (const entry of entriesOf(calls)) {
    if (entry.endedAt !== undefined) continue;
    const { status, callSid } = entry.call;
    active++;
    if (!Object.prototype.hasOwnProperty.call(byStatus, status)) {
      // A status no mapping knows: active (the call is on screen, marked), counted apart.
      unknownStatus++;
      continue;
    }
    byStatus[status as ActiveCallStatus]++;
    if (isWaitingStatus(status)) {
      const seconds = secondsBetween(callWaitingSince(entry), now);
      if (!longestWait || seconds > longestWait.seconds) {
        longestWait = { callSid, status, seconds };
      }
    } else if (status === 'in-progress') {
      const seconds = secondsBetween(callTalkingSince(entry), now);
      talkTotal += seconds;
      talking++;
      if (!longestTalk || seconds > longestTalk.seconds) longestTalk = { callSid, seconds };
    }
  }
  return {
    active,
    byStatus,
    unknownStatus,
    longestWait,
    longestTalk,
    avgTalkSecondsInProgress: talking > 0 ? talkTotal / talking : null,
  };
}
