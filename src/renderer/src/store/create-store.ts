import { createStore } from 'zustand/vanilla';
import { alertsFromDelta, alertsFromSnapshot, initialAlertsState } from './alerts-slice';
import { callsFromDelta, callsFromSnapshot, initialCallsState } from './calls-slice';
import {
  campaignsFromDelta,
  campaignsFromSnapshot,
  initialCampaignsState,
} from './campaigns-slice';
import { createConnectionSlice } from './connection-slice';
import { initialRecentState, recentFromDelta, recentFromSnapshot } from './recent-slice';
import { createSettingsSlice } from './settings-slice';
import type { CallboardState, CallboardStore } from './types';
import { createUiSlice } from './ui-slice';

/**
 * One store per app instance (no module-level singleton), built from slices. A snapshot or a
 * delta is applied in a single `set`, so one batch from the core costs one render pass, and
 * every call entry that did not change keeps its object identity.
 */
export function createCallboardStore(): CallboardStore {
  return createStore<CallboardState>()((set, get) => ({
    ...createConnectionSlice(set),
    ...initialCallsState(),
    ...initialCampaignsState(),
    ...initialRecentState(),
    ...initialAlertsState,
    ...createSettingsSlice(set),
    ...createUiSlice(set, get),
    applySnapshot: (snapshot) =>
      set((state) => ({
        load: { phase: 'ready' },
        connection: snapshot.connection,
        ...callsFromSnapshot(state, snapshot),
        ...campaignsFromSnapshot(state, snapshot),
        ...recentFromSnapshot(snapshot),
        ...alertsFromSnapshot(snapshot),
      })),
    applyDelta: (delta) => {
      // A reset replaces everything; fields that came with it still apply on top.
      if (delta.reset) get().applySnapshot(delta.reset);
      set((state) => ({
        ...(delta.connection ? { connection: delta.connection } : {}),
        ...callsFromDelta(state, delta),
        ...campaignsFromDelta(state, delta),
        ...recentFromDelta(state, delta),
        ...alertsFromDelta(state, delta),
      }));
    },
  }));
}
