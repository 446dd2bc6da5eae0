import { describe, expect, it } from 'vitest';
import { createCallboardStore } from '../store/create-store';
import { callEntry, createMemoryApi, emptySnapshot, NOW } from '../test-support/memory-api';
import { connectStore } from './sync';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('store sync', () => {
  it('holds deltas that arrive before the snapshot and applies the newer ones after it', async () => {
    const api = createMemoryApi(emptySnapshot({ calls: [callEntry({ callSid: 'CA1' })], at: NOW }));
    api.holdSnapshot = true;
    const store = createCallboardStore();
    const sync = connectStore(api, store);
    api.emit({ callsUpserted: [callEntry({ callSid: 'OLD' })], at: NOW - 5 });
    api.emit({ callsUpserted: [callEntry({ callSid: 'CA2' })], at: NOW + 5 });
    expect(store.getState().load.phase).toBe('loading');
    api.releaseSnapshot();
    await settle();
    expect(Object.keys(store.getState().calls).sort()).toEqual(['CA1', 'CA2']);
    api.emit({ callsRemoved: ['CA1'], at: NOW + 6 });
    expect(Object.keys(store.getState().calls)).toEqual(['CA2']);
    sync.dispose();
    expect(api.listenerCount()).toBe(0);
    api.emit({ callsRemoved: ['CA2'], at: NOW + 7 });
    expect(Object.keys(store.getState().calls)).toEqual(['CA2']);
  });

  it('reports a failed snapshot and loads again on reload', async () => {
    const api = createMemoryApi(emptySnapshot({ calls: [callEntry({ callSid: 'CA1' })] }));
    api.snapshotError = 'cannot reach the server: timeout';
    const store = createCallboardStore();
    const sync = connectStore(api, store);
    await settle();
    expect(store.getState().load).toEqual({
      phase: 'error',
      message: 'cannot reach the server: timeout',
    });
    api.snapshotError = null;
    await sync.reload();
    expect(store.getState().load).toEqual({ phase: 'ready' });
    expect(api.calls.map((c) => c[0])).toContain('retryConnection');
    sync.dispose();
  });

  it('loads the settings so thresholds colour the KPIs', async () => {
    const api = createMemoryApi();
    const store = createCallboardStore();
    const sync = connectStore(api, store);
    await settle();
    expect(store.getState().settingsView?.settings.alerts.waitingSeconds).toBe(60);
    sync.dispose();
  });
});
