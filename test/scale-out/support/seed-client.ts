/**
 * A seed-protocol client as an existing call-centre web client is written: plain
 * socket.io-client with its default transports (HTTP long-polling first, then the upgrade to
 * a websocket) and its own reconnection, `subscribe:calls` and `subscribe:campaigns` with no
 * options on every connect, events applied with the shared reducer (which keeps seed
 * semantics: a snapshot replaces its stream). Live once both snapshots of the current
 * connection arrived.
 */
import { io, type Socket } from 'socket.io-client';
import { fromServerEvent } from '../../../src/shared/feed/from-protocol';
import { applyFeedMessage, initialFeedState } from '../../../src/shared/feed/reducer';
import type { FeedState } from '../../../src/shared/feed/types';
import {
  SERVER_EVENTS,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../src/shared/protocol/events';
import { socketOptionsFor, type ClientRoute } from '../../reliability/support/client-route';

export interface SeedClient {
  name: string;
  state(): FeedState;
  live(): boolean;
  /** Every change of live, with its time. */
  liveLog: { live: boolean; at: number }[];
  /** The transport of each handshake (`polling` with the default transports) and upgrades. */
  transports: { handshake: string[]; upgrades: number };
  problems: string[];
  stop(): Promise<void>;
}

export function startSeedClient(
  name: string,
  url: string,
  token: string,
  route: ClientRoute,
): SeedClient {
  const transport = socketOptionsFor(url, route);
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    ...(transport as object),
    auth: { token },
    reconnectionDelay: 50,
    reconnectionDelayMax: 500,
  });
  let state = initialFeedState();
  const problems: string[] = [];
  const liveLog: SeedClient['liveLog'] = [];
  const transports = { handshake: [] as string[], upgrades: 0 };
  let snapshots = new Set<string>();
  let live = false;
  const setLive = (next: boolean) => {
    if (next === live) return;
    live = next;
    liveLog.push({ live, at: Date.now() });
  };
  socket.io.on('open', () => {
    const engine = socket.io.engine;
    transports.handshake.push(engine.transport.name);
    engine.on('upgrade', () => (transports.upgrades += 1));
  });
  socket.on('connect', () => {
    snapshots = new Set();
    socket.emit('subscribe:calls');
    socket.emit('subscribe:campaigns');
  });
  socket.on('disconnect', () => setLive(false));
  for (const event of SERVER_EVENTS) {
    (socket.on as (e: string, l: (p: unknown) => void) => void)(event, (payload) => {
      const result = fromServerEvent(event, payload, Date.now());
      problems.push(...result.problems);
      if (result.serverError) problems.push(`${event}: ${result.serverError.message}`);
      if (result.message) state = applyFeedMessage(state, result.message).state;
      if (event === 'active_calls' || event === 'active_campaigns') {
        snapshots.add(event);
        if (snapshots.size === 2) setLive(true);
      }
    });
  }
  // Time passing, as a client's clock: ended calls leave once their linger is over.
  const tick = setInterval(() => {
    state = applyFeedMessage(state, { kind: 'tick', now: Date.now() }).state;
  }, 1000);
  return {
    name,
    state: () => state,
    live: () => live,
    liveLog,
    transports,
    problems,
    async stop() {
      clearInterval(tick);
      socket.disconnect();
      transport.agent?.destroy();
    },
  };
}
