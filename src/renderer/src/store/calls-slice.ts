import { isTerminalStatus } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import type { MonitorDelta, MonitorSnapshot } from '../../../shared/monitor';
import { callDurationSeconds } from '../lib/call-time';
import type { CallsSlice, EndedCall } from './types';

/** How long an ended call counts towards "completed / failed in the last 15 min". */
export const RECENT_ENDED_WINDOW_MS = 15 * 60_000;

export const initialCallsState: CallsSlice = { calls: {}, recentEnded: [] };

function recordEnded(
  recent: readonly EndedCall[],
  entries: readonly CallEntry[],
  at: number,
): readonly EndedCall[] {
  let seen: Set<string> | null = null;
  const added: EndedCall[] = [];
  for (const entry of entries) {
    const { callSid, status } = entry.call;
    if (!isTerminalStatus(status)) continue;
    seen ??= new Set(recent.map((e) => e.callSid));
    if (seen.has(callSid)) continue;
    seen.add(callSid);
    const duration = callDurationSeconds(entry, entry.endedAt ?? at);
    added.push({ callSid, status, at: entry.endedAt ?? at, duration });
  }
  const horizon = at - RECENT_ENDED_WINDOW_MS;
  const kept = recent.filter((e) => e.at >= horizon);
  return added.length === 0 && kept.length === recent.length ? recent : [...kept, ...added];
}

export function callsFromSnapshot(state: CallsSlice, snapshot: MonitorSnapshot): CallsSlice {
  const calls: Record<string, CallEntry> = {};
  for (const entry of snapshot.calls) calls[entry.call.callSid] = entry;
  return { calls, recentEnded: recordEnded(state.recentEnded, snapshot.calls, snapshot.at) };
}

/** Replaces only the entries that changed, so rows holding other entries keep their objects. */
export function callsFromDelta(state: CallsSlice, delta: MonitorDelta): CallsSlice {
  const upserted = delta.callsUpserted ?? [];
  const removed = delta.callsRemoved ?? [];
  let calls = state.calls;
  if (upserted.length > 0 || removed.length > 0) {
    const next: Record<string, CallEntry> = { ...state.calls };
    for (const entry of upserted) next[entry.call.callSid] = entry;
    for (const callSid of removed) delete next[callSid];
    calls = next;
  }
  return { calls, recentEnded: recordEnded(state.recentEnded, upserted, delta.at) };
}
