import type { CallEntry } from './types';

/**
 * A call that is still active but has had no update for a long time is most likely over
 * without its final status ever being written (a lost webhook, a crashed writer). It stays
 * on screen, since the database still says it is live, but marked "no update since ..."
 * (docs/architecture.md, "Reading other services' data"), never silently shown as live.
 */

/** When a call last changed: its `updatedAt` if it has a valid one, else when it arrived. */
export function lastUpdateAt(entry: CallEntry): number {
  const updated = typeof entry.call.updatedAt === 'string' ? Date.parse(entry.call.updatedAt) : NaN;
  return Number.isFinite(updated) ? updated : entry.receivedAt;
}

/** The time of the last update of an active call quiet for `quietAfterMs` or more, else null. */
export function quietSince(entry: CallEntry, now: number, quietAfterMs: number): number | null {
  if (entry.endedAt !== undefined) return null;
  const last = lastUpdateAt(entry);
  return now - last >= quietAfterMs ? last : null;
}
