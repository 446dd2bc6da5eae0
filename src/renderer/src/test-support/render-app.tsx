import { render } from '@testing-library/react';
import { App } from '../app';
import type { Clock } from '../lib/clock';
import { createCallboardStore } from '../store/create-store';
import type { CallboardStore } from '../store/types';
import { createMemoryApi, emptySnapshot, NOW, type MemoryApi } from './memory-api';
import type { MonitorSnapshot } from '../../../shared/monitor';

/** A clock the test moves by hand. */
export function manualClock(start = NOW): Clock & { advance(ms: number): void } {
  let now = start;
  const listeners = new Set<() => void>();
  return {
    now: () => now,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance(ms) {
      now += ms;
      for (const l of [...listeners]) l();
    },
  };
}

export function renderApp(snapshot: MonitorSnapshot = emptySnapshot(), api?: MemoryApi) {
  const memoryApi = api ?? createMemoryApi(snapshot);
  const store: CallboardStore = createCallboardStore();
  const clock = manualClock();
  const result = render(<App api={memoryApi} store={store} clock={clock} />);
  return { ...result, api: memoryApi, store, clock };
}
