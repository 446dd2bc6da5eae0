import type { FeedMessage } from '../../shared/feed/types';
import type { StreamName } from '../../shared/protocol/events';
import { Emitter } from '../../shared/emitter';
import type { ExportRecord } from '../../shared/ipc';
import type { Feed, FeedStatus } from './feed';

/**
 * A Feed driven by hand, for tests of what sits on a feed (the monitor core, the harness).
 * Records what was asked of it (start, stop, resync, retryNow).
 */
export interface FakeFeed extends Feed {
  push(message: FeedMessage): void;
  setStatus(status: FeedStatus): void;
  problem(text: string): void;
  readonly started: number;
  readonly stopped: number;
  readonly retries: number;
  readonly resyncs: { stream: StreamName; reason: string }[];
  readonly exports: ExportRecord[];
  listenerCount(): number;
}

export function createFakeFeed(): FakeFeed {
  // A test's listener that throws fails the test: rethrown, not swallowed.
  const rethrow = (error: unknown) => {
    throw error;
  };
  const messages = new Emitter<FeedMessage>(rethrow);
  const statuses = new Emitter<FeedStatus>(rethrow);
  const problems = new Emitter<string>(rethrow);
  const counts = { started: 0, stopped: 0, retries: 0 };
  const resyncs: { stream: StreamName; reason: string }[] = [];
  const exports: ExportRecord[] = [];
  return {
    start: () => void (counts.started += 1),
    stop: async () => void (counts.stopped += 1),
    resync: (stream, reason) => void resyncs.push({ stream, reason }),
    retryNow: () => void (counts.retries += 1),
    recordExport: (record) => void exports.push(record),
    onMessage: messages.on,
    onStatus: statuses.on,
    onProblem: problems.on,
    push: (m) => messages.emit(m),
    setStatus: (s) => statuses.emit(s),
    problem: (p) => problems.emit(p),
    get started() {
      return counts.started;
    },
    get stopped() {
      return counts.stopped;
    },
    get retries() {
      return counts.retries;
    },
    resyncs,
    exports,
    listenerCount: () => messages.size + statuses.size + problems.size,
  };
}
