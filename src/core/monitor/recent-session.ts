import {
  applyRecentMessage,
  initialRecentState,
  type RecentChanges,
  type RecentState,
} from '../../shared/feed/recent-state';
import type { Logger } from '../../shared/log';
import type { RecentStatus } from '../../shared/monitor';
import { RECENT_UNAVAILABLE, type RecentPort } from '../feed/recent-port';

/**
 * The monitor core's hold on the `recent` window: subscribes through the feed's RecentPort,
 * applies what comes with the shared reducer, and when the reducer finds a hole asks the port
 * once to subscribe again: `since` the held cursor after a gap in the same epoch (the server
 * replays what was missed), without one after an epoch change (a snapshot). A source without a
 * port (or one that cannot serve it) gives the `unavailable` status, never an endless wait.
 */
export interface RecentSession {
  state(): RecentState;
  status(): RecentStatus;
  close(): void;
}

export function createRecentSession(options: {
  port: RecentPort | undefined;
  logger: Logger;
  /** What a message changed (entries) and whether the status changed. */
  changed(changes: RecentChanges | null, statusChanged: boolean): void;
}): RecentSession {
  const log = options.logger.child('recent');
  let state = initialRecentState();
  let status: RecentStatus = options.port
    ? { status: 'waiting' }
    : { status: 'unavailable', message: RECENT_UNAVAILABLE };
  let closed = false;

  const setStatus = (next: RecentStatus): boolean => {
    if (next.status === status.status && next.message === status.message) return false;
    status = next;
    return true;
  };

  const dispose =
    options.port?.subscribe((event) => {
      if (closed) return;
      if (event.type === 'problem') {
        log.warn('the recent window got bad input', { problem: event.message });
        return;
      }
      if (event.type === 'unavailable') {
        log.warn('the recent window is unavailable', { reason: event.message });
        if (setStatus({ status: 'unavailable', message: event.message })) {
          options.changed(null, true);
        }
        return;
      }
      const before = state;
      const transition = applyRecentMessage(state, event.message);
      state = transition.state;
      for (const problem of transition.changes.problems) {
        log.warn('the recent window got bad input', { problem });
      }
      if (state.resyncNeeded !== null && before.resyncNeeded === null) {
        const { epoch, seq } = before.cursor;
        const sameEpoch = epoch !== null && seq !== null && epoch === event.message.epoch;
        log.warn('asking the feed to resync the recent window', { reason: state.resyncNeeded });
        options.port?.resync(sameEpoch ? { epoch, seq } : undefined, state.resyncNeeded);
      }
      const statusChanged = state.cursor.synced && setStatus({ status: 'live' });
      options.changed(transition.changes, statusChanged);
    }) ?? null;

  return {
    state: () => state,
    status: () => status,
    close() {
      closed = true;
      dispose?.();
    },
  };
}
