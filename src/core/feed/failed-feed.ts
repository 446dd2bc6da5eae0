import type { FeedMode } from '../../shared/monitor';
import { Emitter } from '../../shared/emitter';
import type { Feed, FeedStatus, Unsubscribe } from './feed';

/**
 * A feed that could not even be built (embedded mode with no connection string, the demo
 * emulator failing to start): it reports `failed` with the reason, so the screen says what
 * is wrong and the settings can be fixed, instead of the app refusing to start.
 */
export function createFailedFeed(mode: FeedMode, target: string, error: string): Feed {
  const statuses = new Emitter<FeedStatus>();
  let stopped = false;
  const status = (): FeedStatus => ({
    status: stopped ? 'stopped' : 'failed',
    mode,
    target,
    error,
  });
  const none = (): Unsubscribe => () => {};
  return {
    start: () => statuses.emit(status()),
    stop: async () => {
      stopped = true;
      statuses.emit(status());
      statuses.clear();
    },
    resync: () => {},
    retryNow: () => {},
    onMessage: none,
    onStatus: statuses.on,
    onProblem: none,
  };
}
