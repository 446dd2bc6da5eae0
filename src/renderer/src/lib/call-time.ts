import { isTerminalStatus } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';

function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** When the call's clock starts: its startTime, else when this app first saw it. */
export function callStartedAt(entry: CallEntry): number {
  return parseTime(entry.call.startTime) ?? entry.receivedAt;
}

/**
 * Seconds the call has lasted at `now`: live for an active call, final for an ended one
 * (its reported duration, else endTime - startTime).
 */
export function callDurationSeconds(entry: CallEntry, now: number): number {
  const { call } = entry;
  const start = callStartedAt(entry);
  if (isTerminalStatus(call.status)) {
    if (typeof call.duration === 'number') return Math.max(0, call.duration);
    const end = parseTime(call.endTime) ?? entry.endedAt ?? now;
    return Math.max(0, Math.floor((end - start) / 1000));
  }
  return Math.max(0, Math.floor((now - start) / 1000));
}
