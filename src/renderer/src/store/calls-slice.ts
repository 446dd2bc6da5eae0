import type { CallEntry } from '../../../shared/feed/types';
import { createOutcomeWindow, recordOutcomes } from '../../../shared/kpi';
import type { MonitorDelta, MonitorSnapshot } from '../../../shared/monitor';
import type { CallsSlice } from './types';

export function initialCallsState(): CallsSlice {
  return { calls: {}, outcomes: createOutcomeWindow() };
}

export function callsFromSnapshot(state: CallsSlice, snapshot: MonitorSnapshot): CallsSlice {
  const calls: Record<string, CallEntry> = {};
  for (const entry of snapshot.calls) calls[entry.call.callSid] = entry;
  // The outcome window outlives a resync: calls that ended before it still count.
  return { calls, outcomes: recordOutcomes(state.outcomes, snapshot.calls, snapshot.at) };
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
  return { calls, outcomes: recordOutcomes(state.outcomes, upserted, delta.at) };
}
