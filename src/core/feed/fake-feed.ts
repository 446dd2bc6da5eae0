import type { FeedMessage } from '../../shared/feed/types';
import type { StreamName } from '../../shared/protocol/events';
import type { Feed, FeedStatus, Unsubscribe } from './feed';

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
  listenerCount(): number;
}

export function createFakeFeed(): FakeFeed {
  const messages = new Set<(m: FeedMessage) => void>();
  const statuses = new Set<(s: FeedStatus) => void>();
  const problems = new Set<(p: string) => void>();
  const sub = <T>(set: Set<T>, listener: T): Unsubscribe => {
    set.add(listener);
    return () => set.delete(listener);
  };
  const counts = { started: 0, stopped: 0, retries: 0 };
  const resyncs: { stream: StreamName; reason: string }[] = [];
  return {
    start: () => void (counts.started += 1),
    stop: async () => void (counts.stopped += 1),
    resync: (stream, reason) => void resyncs.push({ stream, reason }),
    retryNow: () => void (counts.retries += 1),
    onMessage: (l) => sub(messages, l),
    onStatus: (l) => sub(statuses, l),
    onProblem: (l) => sub(problems, l),
    push: (m) => messages.forEach((l) => l(m)),
    setStatus: (s) => statuses.forEach((l) => l(s)),
    problem: (p) => problems.forEach((l) => l(p)),
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
    listenerCount: () => messages.size + statuses.size + problems.size,
  };
}
