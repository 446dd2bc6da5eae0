import { callWaitingSince, isWaitingStatus } from '../../../shared/kpi/call-times';
import type { CallEntry } from '../../../shared/feed/types';
import { initialsOf, maskPhoneNumber } from '../../../shared/privacy/masking';

/** How many waiting calls the wallboard lists: a TV shows a few, big. */
export const WALLBOARD_WAITING_LIMIT = 5;

/**
 * The queued and ringing calls that have waited longest (the "Longest wait" tile's calls),
 * earliest first, at most `limit`.
 */
export function longestWaiting(
  calls: Readonly<Record<string, CallEntry>>,
  limit = WALLBOARD_WAITING_LIMIT,
): CallEntry[] {
  return Object.values(calls)
    .filter((e) => e.endedAt === undefined && isWaitingStatus(e.call.status))
    .sort(
      (a, b) =>
        callWaitingSince(a) - callWaitingSince(b) || a.call.callSid.localeCompare(b.call.callSid),
    )
    .slice(0, limit);
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/**
 * Who a call is with, as a screen others can see shows it (issue 19): numbers to their last
 * digits and names to initials by the shared rule (src/shared/privacy/masking.ts), unless the
 * supervisor chose to show them in full. null: the call does not say.
 */
export function wallboardContact(
  entry: CallEntry,
  showInFull: boolean,
): { name: string | null; number: string | null } {
  const name = text(entry.call.contactName);
  const number = text(entry.call.to);
  return {
    name: name === '' ? null : showInFull ? name : initialsOf(name),
    number: number === '' ? null : showInFull ? number : maskPhoneNumber(number),
  };
}
