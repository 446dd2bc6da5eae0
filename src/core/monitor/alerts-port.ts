import type { Alert, AlertThresholds } from '../../shared/alerts-types';
import type { CallEntry, FeedState, FeedTransition } from '../../shared/feed/types';
import type { ConnectionState } from '../../shared/monitor';

/**
 * What the monitor core needs from the alert engine (src/shared/alerts). The core calls
 * observe() after every applied message, every tick and every connection change, so
 * duration rules fire on time passing; the engine does de-duplication, cooldown, snooze
 * and history. ./shared-alerts.ts adapts the shared engine to this port.
 */
export interface AlertObservation {
  /** What prompted it: a feed message, the clock, a connection or settings change. */
  cause: 'feed' | 'tick' | 'connection' | 'settings';
  before: FeedState;
  transition: FeedTransition | null;
  connection: ConnectionState;
  /** The recent window's ended calls (their late analysis): the outcome rules read them. */
  recent: readonly CallEntry[];
  now: number;
}

export interface AlertsPort {
  /** Returns the alerts newly raised (or raised again after cooldown) by this observation. */
  observe(observation: AlertObservation): { raised: Alert[]; changed: boolean };
  list(): Alert[];
  acknowledge(alertId: string, now: number): boolean;
  acknowledgeAll(now: number): boolean;
  snooze(alertId: string, until: number, now: number): boolean;
  setThresholds(thresholds: AlertThresholds): void;
}
