import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallboardApi } from '../../shared/ipc';
import { CallsPanel } from './components/calls-panel';
import { ConnectionBanner } from './components/connection-banner';
import { Header } from './components/header';
import { SettingsScreen } from './components/settings-screen';
import { SidePanel } from './components/side-panel';
import { Wallboard } from './components/wallboard';
import { createClock, type Clock } from './lib/clock';
import { connectStore, type StoreSync } from './lib/sync';
import { createCallboardStore } from './store/create-store';
import { ServicesProvider, useCallboard } from './store/context';
import type { CallboardStore } from './store/types';

function Screen({ onRetry: retry }: { onRetry: () => void }) {
  const view = useCallboard((s) => s.view);
  if (view === 'wallboard') {
    return (
      <main className="app-main wallboard-main" aria-label="Wallboard">
        <ConnectionBanner />
        <Wallboard />
      </main>
    );
  }
  return (
    <>
      <Header />
      <ConnectionBanner />
      <main className="app-main" aria-label="Call centre monitor">
        {view === 'settings' ? (
          <SettingsScreen />
        ) : (
          <div className="monitor-grid">
            <CallsPanel onRetry={retry} />
            <SidePanel />
          </div>
        )}
      </main>
    </>
  );
}

export interface AppProps {
  api: CallboardApi;
  /** Tests pass their own store and clock; the app makes its own otherwise. */
  store?: CallboardStore;
  clock?: Clock;
}

export function App(props: AppProps) {
  const { api } = props;
  // useState initialisers, not useMemo: React may drop a memoised value, and a new store
  // would lose everything on screen.
  const [store] = useState(() => props.store ?? createCallboardStore());
  const [clock] = useState(() => props.clock ?? createClock());
  const sync = useRef<StoreSync | null>(null);

  useEffect(() => {
    const connection = connectStore(api, store);
    sync.current = connection;
    return () => {
      connection.dispose();
      if (sync.current === connection) sync.current = null;
    };
  }, [api, store]);
  const retry = useCallback(() => void sync.current?.reload(), []);

  return (
    <ServicesProvider api={api} store={store} clock={clock}>
      <div className="app">
        <Screen onRetry={retry} />
      </div>
    </ServicesProvider>
  );
}
