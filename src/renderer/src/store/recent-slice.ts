import type { CallEntry } from '../../../shared/feed/types';
import type { MonitorDelta, MonitorSnapshot } from '../../../shared/monitor';
import type { RecentSlice } from './types';

export function initialRecentState(): RecentSlice {
  return { recent: {}, recentStatus: { status: 'waiting' } };
}

export function recentFromSnapshot(snapshot: MonitorSnapshot): RecentSlice {
  const recent: Record<string, CallEntry> = {};
  for (const entry of snapshot.recent) recent[entry.call.callSid] = entry;
  return { recent, recentStatus: snapshot.recentStatus };
}

/** Replaces only the entries that changed (the window holds at most a few thousand). */
export function recentFromDelta(state: RecentSlice, delta: MonitorDelta): RecentSlice {
  const upserted = delta.recentUpserted ?? [];
  const removed = delta.recentRemoved ?? [];
  const recentStatus = delta.recentStatus ?? state.recentStatus;
  if (upserted.length === 0 && removed.length === 0) {
    return { recent: state.recent, recentStatus };
  }
  const next: Record<string, CallEntry> = { ...state.recent };
  for (const entry of upserted) next[entry.call.callSid] = entry;
  for (const callSid of removed) delete next[callSid];
  return { recent: next, recentStatus };
}
