/**
 * A client as the apps hold one: the real RemoteFeed (socket.io-client, v2 with since replay,
 * own reconnect) applying messages with the shared reducer, and asking for a snapshot when the
 * reducer finds a hole, applying the messages of one turn merged (what the monitor core does).
 */
import { FeedMessageQueue } from '../../../src/core/feed/message-queue';
import { createRemoteFeed } from '../../../src/core/feed/remote-feed';
import type { FeedStatus } from '../../../src/core/feed/feed';
import { applyFeedMessage, initialFeedState } from '../../../src/shared/feed/reducer';
import type { FeedState } from '../../../src/shared/feed/types';
import { STREAMS } from '../../../src/shared/protocol/events';
import { io } from 'socket.io-client';
import { socketOptionsFor, type ClientRoute } from './client-route';

export interface FeedClient {
  name: string;
  state(): FeedState;
  status(): FeedStatus['status'];
  /** Every status change with its time (ms since the epoch), oldest first. */
  statusLog: { status: FeedStatus['status']; at: number }[];
  /** Messages applied, problems reported and resyncs asked, for assertions. */
  stats: {
    messages: number;
    applied: number;
    problems: string[];
    resyncs: number;
    snapshots: number;
  };
  stop(): Promise<void>;
}

export function startFeedClient(
  name: string,
  url: string,
  token?: string,
  /** A local address and a CA to trust (client-route.ts); default the system's. */
  route?: ClientRoute,
): FeedClient {
  const extra = route ? socketOptionsFor(url, route) : {};
  const feed = createRemoteFeed({
    url,
    ...(token !== undefined ? { token } : {}),
    ...(route
      ? {
          connect: ((target: string, options: object) =>
            io(target, { ...options, ...extra } as object)) as never,
        }
      : {}),
    backoff: { initialMs: 50, maxMs: 500 },
    ackTimeoutMs: 5000,
  });
  let state = initialFeedState();
  let status: FeedStatus['status'] = 'connecting';
  const stats = {
    messages: 0,
    problems: [] as string[],
    resyncs: 0,
    snapshots: 0,
    /** Counted by the queue: messages applied after merging. */
    get applied() {
      return queue.stats.applied;
    },
  };
  const asked = new Set<string>();
  const statusLog: FeedClient['statusLog'] = [];
  feed.onStatus((s) => {
    if (s.status !== status || statusLog.length === 0)
      statusLog.push({ status: s.status, at: Date.now() });
    status = s.status;
  });
  feed.onProblem((p) => stats.problems.push(p));
  const queue = new FeedMessageQueue(
    () => state.cursors,
    (message) => {
      state = applyFeedMessage(state, message).state;
      for (const stream of STREAMS) {
        const reason = state.resyncNeeded[stream];
        if (reason === undefined) {
          if (state.cursors[stream].synced) asked.delete(stream);
        } else if (!asked.has(stream)) {
          asked.add(stream);
          stats.resyncs += 1;
          feed.resync(stream, reason);
        }
      }
    },
  );
  feed.onMessage((message) => {
    stats.messages += 1;
    if (message.kind === 'snapshot') stats.snapshots += 1;
    queue.push(message);
  });
  feed.start();
  // Time passing, as the core's 1 s tick: ended calls leave once their linger is over.
  const tick = setInterval(() => {
    queue.drain();
    state = applyFeedMessage(state, { kind: 'tick', now: Date.now() }).state;
  }, 1000);
  return {
    name,
    state: () => (queue.drain(), state),
    status: () => status,
    statusLog,
    stats,
    stop: () => {
      clearInterval(tick);
      queue.clear();
      return feed.stop().finally(() => extra.agent?.destroy());
    },
  };
}
