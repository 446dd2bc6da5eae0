import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { CallboardApi } from '../../../shared/ipc';
import type { Clock } from '../lib/clock';
import type { CallboardState, CallboardStore } from './types';

interface AppServices {
  api: CallboardApi;
  store: CallboardStore;
  clock: Clock;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider(props: AppServices & { children: ReactNode }) {
  const { api, store, clock, children } = props;
  const value = useMemo(() => ({ api, store, clock }), [api, store, clock]);
  return <ServicesContext value={value}>{children}</ServicesContext>;
}

function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('Callboard components must be inside <ServicesProvider>');
  return services;
}

export function useApi(): CallboardApi {
  return useServices().api;
}

export function useStoreApi(): CallboardStore {
  return useServices().store;
}

/** Select narrowly: a component re-renders only when what it selected changed. */
export function useCallboard<T>(selector: (state: CallboardState) => T): T {
  return useStore(useServices().store, selector);
}

/** The shared clock's time; re-renders the caller once per tick. */
export function useNow(): number {
  const { clock } = useServices();
  return useSyncExternalStore(clock.subscribe, clock.now, clock.now);
}
