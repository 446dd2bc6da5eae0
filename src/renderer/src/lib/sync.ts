import type { AlertTarget } from '../../../shared/alerts-types';
import type { CallboardApi } from '../../../shared/ipc';
import type { MonitorDelta } from '../../../shared/monitor';
import type { CallboardStore } from '../store/types';

export interface StoreSync {
  /** Asks the core to retry now and loads a fresh snapshot (the error state's "Retry"). */
  reload(): Promise<void>;
  dispose(): void;
}

function describe(error: unknown): { ok: false; message: string } {
  return { ok: false, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Keeps the store in step with the core: subscribes to deltas first, then asks for the
 * snapshot, so nothing that happens in between is lost (deltas that arrive before the
 * snapshot are held and applied after it, unless the snapshot is newer).
 */
export function connectStore(api: CallboardApi, store: CallboardStore): StoreSync {
  let closed = false;
  let pending: MonitorDelta[] | null = [];

  const stopDeltas = api.onDidChange((delta) => {
    if (closed) return;
    if (pending) pending.push(delta);
    else store.getState().applyDelta(delta);
  });
  const stopReveal = api.onDidRequestReveal((target) => {
    if (!closed) revealTarget(store, target);
  });

  const load = async () => {
    pending ??= [];
    store.getState().setLoad({ phase: 'loading' });
    const result = await api.getSnapshot().catch(describe);
    if (closed) return;
    if (!result.ok) {
      // Deltas keep arriving; a later reset or a reload brings the screen back.
      const held = pending ?? [];
      pending = null;
      store.getState().setLoad({ phase: 'error', message: result.message });
      for (const delta of held) if (delta.reset) store.getState().applyDelta(delta);
      return;
    }
    const snapshot = result.value;
    const held = pending ?? [];
    pending = null;
    store.getState().applySnapshot(snapshot);
    for (const delta of held) {
      if (delta.reset || delta.at >= snapshot.at) store.getState().applyDelta(delta);
    }
  };
  void load();

  void api
    .getSettings()
    .then((result) => {
      if (!closed && result.ok) store.getState().setSettingsView(result.value);
    })
    .catch(() => {
      // The settings screen asks again and shows the reason.
    });

  return {
    async reload() {
      await api.retryConnection().catch(() => undefined);
      await load();
    },
    dispose() {
      closed = true;
      stopDeltas();
      stopReveal();
    },
  };
}

/** Shows a call or campaign: from an alert's "jump to", or a clicked OS notification. */
export function revealTarget(store: CallboardStore, target: AlertTarget): void {
  const state = store.getState();
  state.setView('monitor');
  if (target.type === 'call') {
    state.clearFilters();
    state.selectCall(target.callSid);
  } else if (target.type === 'campaign') {
    state.setFilters({ campaignId: target.campaignId });
    state.setSidePanel('campaigns');
  } else {
    state.setSidePanel('alerts');
  }
}
