import type { CallEntry } from '../feed/types';

/**
 * When a call's clocks start. Documents carry server times (startTime) and the feed adds local
 * ones (receivedAt, statusSince); a small skew between the two clocks is clamped away by the
 * callers (a duration is never negative).
 */

export function parseTimeMs(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A call waiting to be answered: queued or ringing (the "Longest wait" figure's calls). */
export function isWaitingStatus(status: string): status is 'queued' | 'ringing' {
  return status === 'queued' || status === 'ringing';
}

/** A queued or ringing call has waited since it started (its startTime), else since first seen. */
export function callWaitingSince(entry: CallEntry): number {
  return parseTimeMs(entry.call.startTime) ?? entry.statusSince ?? entry.receivedAt;
}

/**
 * An in-progress call has talked since the feed saw it go in progress; when it was first seen
 * already talking, since its startTime (which may include a few seconds of ringing).
 */
export function callTalkingSince(entry: CallEntry): number {
  return entry.statusSince ?? parseTimeMs(entry.call.startTime) ?? entry.receivedAt;
}

export function secondsBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / 1000));
}

/** Final talk time of an ended call: its duration, else endTime - startTime; null if unknown. */
export function finalTalkSeconds(entry: CallEntry): number | null {
  const { duration, startTime, endTime } = entry.call;
  if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) return duration;
  const start = parseTimeMs(startTime);
  const end = parseTimeMs(endTime);
  return start !== null && end !== null && end >= start ? Math.floor((end - start) / 1000) : null;
}

/**
 * When an ended call ended, for the KPI windows: its endTime (the server's clock, so a call
 * that ended this morning still counts in "today" when it reaches a client this afternoon),
 * else when the feed saw it end, else when it arrived.
 */
export function callEndedAt(entry: CallEntry): number {
  return parseTimeMs(entry.call.endTime) ?? entry.endedAt ?? entry.receivedAt;
}
