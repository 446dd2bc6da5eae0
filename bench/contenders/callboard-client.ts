import { io } from 'socket.io-client';
import { fromServerEvent } from '../../src/shared/feed/from-protocol';
import { applyFeedMessage, initialFeedState } from '../../src/shared/feed/reducer';
import type { FeedState } from '../../src/shared/feed/types';
import type { ServerToClientEvents } from '../../src/shared/protocol/events';
import { isTerminalCallStatus } from '../lib/trace';
import { countTraffic, type ClientFactory } from './types';

/**
 * Callboard's client path: a v2 subscription (batched), every server event through the shared
 * `fromServerEvent` (schema checks, per-document parsing) and the shared reducer, as the
 * monitor core does. The state that "holds" a write is the reducer's FeedState.
 */
export const createCallboardClient: ClientFactory = ({ url, tracker, now, onProblem }) => {
  const traffic = { messages: 0, bytes: 0 };
  let state: FeedState = initialFeedState();
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));

  socket.on('connect', () => {
    const transport = socket.io.engine.transport as unknown as {
      ws?: Parameters<typeof countTraffic>[0];
    };
    if (transport.ws) countTraffic(transport.ws, traffic);
    socket.emit('subscribe:calls', { v: 2, batch: true });
    socket.emit('subscribe:campaigns', { v: 2, batch: true });
  });
  socket.on('connect_error', (error) => onProblem(`callboard client: ${error.message}`));
  socket.onAny((event: keyof ServerToClientEvents, payload: unknown) => {
    const at = now();
    const result = fromServerEvent(event, payload, at);
    for (const problem of result.problems) onProblem(problem);
    if (result.resync) onProblem(`resync: ${result.resync.reason}`);
    if (!result.message) return;
    const transition = applyFeedMessage(state, result.message);
    state = transition.state;
    const { changes } = transition;
    if (changes.ignored) onProblem(`ignored: ${changes.ignored}`);
    // A snapshot (first load or a resync) replaces the stream: everything in it is held.
    const calls = changes.reset.includes('calls')
      ? Object.keys(state.calls)
      : changes.callsUpserted;
    const campaigns = changes.reset.includes('campaigns')
      ? Object.keys(state.campaigns)
      : changes.campaignsUpserted;
    for (const key of calls) {
      const call = state.calls[key]?.call;
      if (!call) continue;
      if (isTerminalCallStatus(call.status)) tracker.observeRemoval(key, at);
      else tracker.observe(key, Number(call.benchSeq), at);
    }
    for (const key of changes.callsRemoved) tracker.observeRemoval(key, at);
    for (const key of campaigns) {
      const campaign = state.campaigns[key]?.campaign;
      if (campaign) tracker.observe(key, Number(campaign.benchSeq), at);
    }
    if (state.cursors.calls.synced && state.cursors.campaigns.synced) resolveReady();
  });

  return {
    ready,
    traffic,
    finalState: () => {
      const held = new Map<string, number>();
      for (const [key, entry] of Object.entries(state.calls)) {
        if (!isTerminalCallStatus(entry.call.status)) held.set(key, Number(entry.call.benchSeq));
      }
      for (const [key, entry] of Object.entries(state.campaigns)) {
        held.set(key, Number(entry.campaign.benchSeq));
      }
      return held;
    },
    close: async () => {
      socket.disconnect();
    },
  };
};
