import { io } from 'socket.io-client';
import { FeedMessageQueue } from '../../src/core/feed/message-queue';
import { createRemoteFeed } from '../../src/core/feed/remote-feed';
import { applyFeedMessage, initialFeedState } from '../../src/shared/feed/reducer';
import type { FeedMessage, FeedState } from '../../src/shared/feed/types';
import { STREAMS } from '../../src/shared/protocol/events';
import { isTerminalCallStatus } from '../lib/trace';
import { countTraffic, type ClientFactory } from './types';

/**
 * Callboard's client path: the real RemoteFeed (v2 subscription with ack, batched, every event
 * checked by the shared `fromServerEvent`) and the shared reducer, the messages of one turn
 * applied merged as the monitor core applies them (FeedMessageQueue). The state that "holds" a
 * write is the reducer's FeedState.
 */
export const createCallboardClient: ClientFactory = ({ url, tracker, now, onProblem }) => {
  const traffic = { messages: 0, bytes: 0 };
  let state: FeedState = initialFeedState();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const feed = createRemoteFeed({
    url,
    now,
    connect: (target, options) => {
      // One connection per client, as on separate machines (the default would share one).
      const socket = io(target, { ...options, forceNew: true });
      socket.on('connect', () => {
        const transport = socket.io.engine.transport as unknown as {
          ws?: Parameters<typeof countTraffic>[0];
        };
        if (transport.ws) countTraffic(transport.ws, traffic);
      });
      return socket;
    },
  });
  feed.onProblem((problem) => onProblem(`callboard feed: ${problem}`));
  feed.onStatus((status) => {
    if (status.status === 'reconnecting' || status.status === 'failed') {
      onProblem(`callboard feed ${status.status}: ${status.error ?? ''}`);
    }
  });
  const apply = (message: FeedMessage) => {
    const transition = applyFeedMessage(state, message);
    state = transition.state;
    const { changes } = transition;
    const at = now();
    // A snapshot (first load or a resync) replaces the stream: everything in it is held.
    const calls = changes.reset.includes('calls') ? [...state.calls.keys()] : changes.callsUpserted;
    const campaigns = changes.reset.includes('campaigns')
      ? [...state.campaigns.keys()]
      : changes.campaignsUpserted;
    for (const key of calls) {
      const call = state.calls.get(key)?.call;
      if (!call) continue;
      if (isTerminalCallStatus(call.status)) tracker.observeRemoval(key, at);
      else tracker.observe(key, Number(call.benchSeq), at);
    }
    for (const key of changes.callsRemoved) tracker.observeRemoval(key, at);
    for (const key of campaigns) {
      const campaign = state.campaigns.get(key)?.campaign;
      if (campaign) tracker.observe(key, Number(campaign.benchSeq), at);
    }
    for (const stream of STREAMS) {
      const reason = state.resyncNeeded[stream];
      if (reason) {
        onProblem(`resync ${stream}: ${reason}`);
        feed.resync(stream, reason);
      }
    }
    if (state.cursors.calls.synced && state.cursors.campaigns.synced) resolveReady();
  };
  const queue = new FeedMessageQueue(() => state.cursors, apply);
  feed.onMessage((message) => queue.push(message));
  feed.start();
  // Time passing, as the monitor core's one tick timer does (DEFAULT_TICK_MS): lingering ended
  // calls leave the state. Without it the state (and every copy of it) grows without bound.
  const tick = setInterval(() => {
    queue.drain();
    state = applyFeedMessage(state, { kind: 'tick', now: now() }).state;
  }, 1000);

  return {
    ready,
    traffic,
    finalState: () => {
      queue.drain();
      const held = new Map<string, number>();
      for (const [key, entry] of [...state.calls.entries()]) {
        if (!isTerminalCallStatus(entry.call.status)) held.set(key, Number(entry.call.benchSeq));
      }
      for (const [key, entry] of [...state.campaigns.entries()]) {
        held.set(key, Number(entry.campaign.benchSeq));
      }
      return held;
    },
    close: () => {
      clearInterval(tick);
      queue.clear();
      return feed.stop();
    },
  };
};
