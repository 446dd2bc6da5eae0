import type { Socket } from 'socket.io-client';
import {
  fromRecentEvent,
  RECENT_EVENTS,
  type RecentEvent,
} from '../../shared/feed/recent-protocol';
import type { Logger } from '../../shared/log';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SinceCursor,
  SubscribeAck,
  SubscribeOptions,
} from '../../shared/protocol/events';
import { RECENT_UNAVAILABLE, type RecentPort, type RecentPortEvent } from './recent-port';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The `recent` window over the remote feed's socket. The feed owns the socket and its
 * reconnects and tells this channel about them; the channel sends `subscribe:recent` with
 * `{ v: 2, since? }` (since: the last contiguous cursor it passed on, so a reconnect replays
 * what was missed) and hands the checked `recent_calls` / `recent_calls_batch_update` to the
 * subscriber. No ack within ackTimeoutMs (a seed server) or a refusal: `unavailable`.
 */
export interface RemoteRecent {
  readonly port: RecentPort;
  attach(socket: ClientSocket): void;
  connected(): void;
  /** The server sent `resync` for `recent`: its snapshot follows; forget the cursor. */
  serverResync(reason: string): void;
  close(): void;
}

export function createRemoteRecent(options: {
  logger: Logger;
  ackTimeoutMs: number;
  now: () => number;
}): RemoteRecent {
  const log = options.logger.child('recent');
  let socket: ClientSocket | null = null;
  let listener: ((event: RecentPortEvent) => void) | null = null;
  let cursor: SinceCursor | undefined;
  let closed = false;

  const tell = (event: RecentPortEvent) => {
    try {
      listener?.(event);
    } catch (error) {
      log.error('a recent listener threw', { error });
    }
  };

  const send = (since: SinceCursor | undefined) => {
    const s = socket;
    if (!s?.connected || !listener || closed) return;
    const request: SubscribeOptions = { v: 2, ...(since ? { since } : {}) };
    s.timeout(options.ackTimeoutMs)
      .emitWithAck('subscribe:recent', request)
      .then(
        (ack: SubscribeAck) => {
          if (s !== socket || closed) return;
          if (ack?.ok === true) return;
          const reason =
            typeof ack?.error === 'string' ? ack.error.slice(0, 300) : 'no reason given';
          tell({ type: 'unavailable', message: `the server refused the recent calls: ${reason}` });
        },
        () => {
          if (s === socket && s.connected && !closed) {
            tell({
              type: 'unavailable',
              message: `${RECENT_UNAVAILABLE} (no answer to subscribe:recent)`,
            });
          }
        },
      );
  };

  const inbound = (event: RecentEvent, payload: unknown) => {
    const result = fromRecentEvent(event, payload, options.now());
    for (const message of result.problems) tell({ type: 'problem', message });
    const message = result.message;
    if (!message || !listener) return;
    if (message.kind === 'snapshot') cursor = { epoch: message.epoch, seq: message.seq };
    else if (cursor && message.epoch === cursor.epoch && message.fromSeq <= cursor.seq + 1) {
      cursor = { epoch: message.epoch, seq: Math.max(cursor.seq, message.seq) };
    }
    tell({ type: 'message', message });
  };

  const port: RecentPort = {
    subscribe(next) {
      if (closed) {
        queueMicrotask(() => next({ type: 'unavailable', message: 'the connection is closed' }));
        return () => {};
      }
      listener = next;
      cursor = undefined;
      send(undefined);
      return () => {
        if (listener !== next) return;
        listener = null;
        cursor = undefined;
        if (socket?.connected) socket.emit('unsubscribe:recent');
      };
    },
    resync(since, reason) {
      log.info('resync asked', { stream: 'recent', reason });
      cursor = since;
      send(since);
    },
  };

  return {
    port,
    attach(s) {
      socket = s;
      for (const event of RECENT_EVENTS) {
        (s.on as (e: string, l: (p: unknown) => void) => void)(event, (payload) =>
          inbound(event, payload),
        );
      }
    },
    connected() {
      send(cursor);
    },
    serverResync(reason) {
      log.info('the server resyncs the recent window', { reason });
      cursor = undefined;
    },
    close() {
      closed = true;
      listener = null;
      socket = null;
    },
  };
}
