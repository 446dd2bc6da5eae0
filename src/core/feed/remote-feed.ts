import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { fromServerEvent } from '../../shared/feed/from-protocol';
import type { FeedMessage } from '../../shared/feed/types';
import { silentLogger, type Logger } from '../../shared/log';
import {
  SERVER_EVENTS,
  STREAMS,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SinceCursor,
  type StreamName,
  type SubscribeAck,
  type SubscribeOptions,
} from '../../shared/protocol/events';
import { backoffDelay } from '../../shared/backoff';
import { previewValue } from '../../shared/domain/field-values';
import { planLimitSchema } from '../../shared/settings';
import { readGrantedScopes, sameScopes, type GrantedScopes } from '../../shared/privacy/granted';
import { describeConnectError, displayTarget } from './connection-errors';
import type { Feed, FeedStatus } from './feed';
import { Emitter } from '../../shared/emitter';
import { createRemoteTranscripts } from './remote-transcripts';
import { createRemoteRecent } from './remote-recent';
import { RECENT_EVENTS } from '../../shared/feed/recent-protocol';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RemoteFeedOptions {
  /** The server, e.g. `http://127.0.0.1:7070`. */
  url: string;
  /** Sent as `auth.token` in the handshake. */
  token?: string;
  /** Streams to follow; default both. */
  streams?: readonly StreamName[];
  logger?: Logger;
  now?: () => number;
  /** How long to wait for a v2 subscribe ack before treating the server as seed-only. */
  ackTimeoutMs?: number;
  /** Waits between attempts: full jitter up to initialMs doubling to maxMs (src/shared/backoff). */
  backoff?: { initialMs?: number; maxMs?: number };
  random?: () => number;
  /** Default ['websocket']: its failures name their cause (polling's do not). */
  transports?: ('websocket' | 'polling' | 'webtransport')[];
  /** How the socket is made (tests). Default socket.io-client's `io`. */
  connect?: (url: string, options: Partial<ManagerOptions & SocketOptions>) => ClientSocket;
}

/** socket.io-client's `io`, typed with the protocol's event maps (the form its docs show). */
function defaultConnect(
  url: string,
  options: Partial<ManagerOptions & SocketOptions>,
): ClientSocket {
  return io(url, options);
}

/**
 * The Feed over Socket.IO to a Callboard server (v2) or any seed-protocol server. Runs in
 * Node and in the browser (socket.io-client only). docs/protocol.md, "Client behaviour":
 * subscribes with `{ v: 2, since?, batch: true }` and an ack; no ack within ackTimeoutMs means
 * a seed server (which ignores the options and sends its snapshot anyway). Reconnects forever
 * with backoff and jitter, sending `since` so a v2 server replays what was missed.
 */
/** A plan limit from an ack, by the settings' rule; anything else is reported and ignored. */
function readPlanLimit(value: unknown, problem: (text: string) => void): number | undefined {
  if (value === undefined) return undefined;
  const parsed = planLimitSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  problem(
    `the server advertised a plan limit that is not a whole number of calls >= 1 (${previewValue(value)}); ignored`,
  );
  return undefined;
}

export function createRemoteFeed(options: RemoteFeedOptions): Feed {
  const log = (options.logger ?? silentLogger).child('remote-feed');
  const now = options.now ?? (() => Date.now());
  const target = displayTarget(options.url);
  const streams = options.streams ?? STREAMS;
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const baseMs = options.backoff?.initialMs ?? 500;
  const backoffOptions = {
    baseMs,
    capMs: Math.max(baseMs, options.backoff?.maxMs ?? 30_000),
    minMs: Math.min(100, baseMs),
  };
  const threw = (error: unknown) => log.error('a feed listener threw', { error });
  const messages = new Emitter<FeedMessage>(threw);
  const statuses = new Emitter<FeedStatus>(threw);
  const problems = new Emitter<string>(threw);
  const cursors = new Map<StreamName, SinceCursor>();
  const synced = new Set<StreamName>();
  let protocol: 1 | 2 | undefined;
  /** The server said its data is simulated; kept for the feed's life (the server's nature). */
  let simulated = false;
  /** The plan limit the server advertised in its last ack (it may change across restarts). */
  let planLimit: number | undefined;
  /** The token's scopes from the last ack (an admin may change them across reconnects). */
  let scopes: GrantedScopes;
  let socket: ClientSocket | null = null;
  let everConnected = false;
  /** Bumped on every connect and disconnect: late acks of an old connection are ignored. */
  let generation = 0;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let current: FeedStatus = { status: 'connecting', mode: 'remote', target };

  const setStatus = (
    next: Omit<FeedStatus, 'mode' | 'target' | 'protocol' | 'simulated' | 'planLimit' | 'scopes'>,
  ) => {
    current = {
      ...next,
      mode: 'remote',
      target,
      ...(protocol !== undefined ? { protocol } : {}),
      ...(simulated ? { simulated: true } : {}),
      ...(planLimit !== undefined ? { planLimit } : {}),
      ...(scopes !== undefined ? { scopes } : {}),
    };
    statuses.emit(current);
  };
  const problem = (text: string) => problems.emit(text);
  const transcripts = createRemoteTranscripts({
    logger: log,
    ackTimeoutMs,
    problem,
    scopes: () => scopes,
  });
  const recent = createRemoteRecent({ logger: log, ackTimeoutMs, now });

  const updateLive = () => {
    if (streams.every((s) => synced.has(s))) setStatus({ status: 'live' });
  };

  const track = (message: FeedMessage) => {
    if (message.kind === 'tick') return;
    const stream = message.stream;
    if (message.kind === 'snapshot') {
      if (message.epoch !== undefined && message.seq !== undefined) {
        cursors.set(stream, { epoch: message.epoch, seq: message.seq });
      } else {
        cursors.delete(stream);
      }
      synced.add(stream);
    } else if (message.epoch !== undefined && message.seq !== undefined) {
      const cursor = cursors.get(stream);
      if (cursor && cursor.epoch === message.epoch && message.seq > cursor.seq) {
        cursors.set(stream, { epoch: message.epoch, seq: message.seq });
      }
    }
  };

  const onServerEvent = (event: (typeof SERVER_EVENTS)[number], payload: unknown) => {
    const result = fromServerEvent(event, payload, now());
    for (const p of result.problems) problem(p);
    if (result.serverError) {
      problem(`server error (${result.serverError.type}): ${result.serverError.message}`);
    }
    if (result.resync?.stream === 'recent') {
      recent.serverResync(result.resync.reason);
    } else if (result.resync) {
      synced.delete(result.resync.stream);
      cursors.delete(result.resync.stream);
      setStatus({ status: 'resyncing' });
    }
    const message = result.message;
    if (!message) return;
    if (message.kind !== 'tick' && message.epoch !== undefined && protocol === undefined) {
      protocol = 2;
    }
    track(message);
    messages.emit(message);
    if (message.kind === 'snapshot' && current.status !== 'live') updateLive();
  };

  const subscribe = (stream: StreamName, withSince: boolean) => {
    const s = socket;
    if (!s) return;
    synced.delete(stream);
    const event = stream === 'calls' ? 'subscribe:calls' : 'subscribe:campaigns';
    if (protocol === 1) {
      s.emit(event);
      return;
    }
    const since = withSince ? cursors.get(stream) : undefined;
    const request: SubscribeOptions = { v: 2, batch: true, ...(since ? { since } : {}) };
    const gen = generation;
    const onAck = (ack: SubscribeAck | null) => {
      if (s !== socket || stopped || gen !== generation) return;
      if (ack === null) {
        // A seed server ignores the options and the callback, and has sent its snapshot.
        if (protocol === undefined) {
          protocol = 1;
          log.info('the server speaks the seed protocol (no v2 ack)', { target });
          setStatus({ ...current });
        }
        if (!synced.has(stream)) {
          // Some seed servers serve only calls: do not wait for a snapshot forever.
          problem(`the server sent no snapshot of ${stream} after subscribe:${stream}`);
          synced.add(stream);
          updateLive();
        }
        return;
      }
      if (!ack.ok) {
        // The token may not see this stream (its scopes come with the refusal): nothing of it
        // will come, which is not a fault; the feed is live with what it may see, and the
        // screen says which scopes it lacks.
        const granted = readGrantedScopes(ack.scopes);
        if (granted.scopes && !granted.scopes.includes(stream)) {
          protocol = 2;
          scopes = granted.scopes;
          synced.add(stream);
          setStatus({ ...current });
          updateLive();
          return;
        }
        problem(`the server refused to subscribe to ${stream}: ${ack.error ?? 'no reason given'}`);
        return;
      }
      protocol = 2;
      const advertised = readPlanLimit(ack.planLimit, problem);
      const granted = readGrantedScopes(ack.scopes);
      if (granted.problem) problem(granted.problem);
      if (
        (ack.simulated === true && !simulated) ||
        advertised !== planLimit ||
        !sameScopes(granted.scopes, scopes)
      ) {
        if (ack.simulated === true) simulated = true;
        planLimit = advertised;
        scopes = granted.scopes;
        setStatus({ ...current });
      }
      if (ack.mode === 'replay') {
        synced.add(stream);
        updateLive();
      }
    };
    s.timeout(ackTimeoutMs)
      .emitWithAck(event, request)
      .then(
        (ack) => onAck(ack),
        () => onAck(null),
      );
  };

  const scheduleRetry = (error: string, failed: boolean) => {
    if (stopped) return;
    attempt += 1;
    const delay = backoffDelay(attempt, options.random ?? Math.random, backoffOptions);
    const nextRetryAt = now() + delay;
    setStatus({ status: failed ? 'failed' : 'reconnecting', attempt, nextRetryAt, error });
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!stopped && socket && !socket.connected) socket.connect();
    }, delay);
  };

  const open = () => {
    const connect = options.connect ?? defaultConnect;
    const s = connect(options.url, {
      transports: options.transports ?? ['websocket'],
      reconnection: false, // this feed reconnects itself, so it knows attempt and next retry
      forceNew: true,
      autoConnect: false,
      auth: options.token !== undefined ? { token: options.token } : {},
    });
    socket = s;
    transcripts.attach(s);
    recent.attach(s);
    s.on('connect', () => {
      generation += 1;
      everConnected = true;
      attempt = 0;
      log.info('connected', { target });
      setStatus({ status: 'connecting' });
      for (const stream of streams) subscribe(stream, true);
      transcripts.connected();
      recent.connected();
    });
    s.on('connect_error', (error) => {
      const { message, unauthorized } = describeConnectError(error, target);
      log.warn('connection failed', { target, error: message });
      scheduleRetry(message, unauthorized || !everConnected);
    });
    s.on('disconnect', (reason) => {
      generation += 1;
      if (stopped) return;
      synced.clear();
      transcripts.disconnected(reason);
      log.warn('disconnected', { target, reason });
      scheduleRetry(`disconnected from ${target}: ${reason}`, false);
    });
    for (const event of SERVER_EVENTS) {
      if ((RECENT_EVENTS as readonly string[]).includes(event)) continue; // ./remote-recent
      // Payloads are `unknown` until fromServerEvent has validated them.
      s.on(event, (payload: unknown) => onServerEvent(event, payload));
    }
    s.connect();
  };

  return {
    start() {
      if (socket || stopped) return;
      setStatus({ status: 'connecting' });
      open();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      transcripts.close();
      recent.close();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const s = socket;
      socket = null;
      if (s) {
        s.removeAllListeners();
        s.disconnect();
        // forceNew: the manager is this socket's own; close its engine too.
        s.io.engine?.close();
      }
      setStatus({ status: 'stopped' });
    },
    recordExport(record) {
      // A seed server ignores the event; a Callboard server writes it to its audit log.
      if (socket?.connected) socket.emit('audit:export', { v: 2, ...record });
    },
    resync(stream, reason) {
      if (stopped) return;
      // Without a cursor the next subscription (now, or after a reconnect) takes a snapshot.
      cursors.delete(stream);
      if (!socket?.connected) return;
      log.info('resync asked', { stream, reason });
      setStatus({ status: 'resyncing' });
      if (protocol === 1) {
        synced.delete(stream);
        socket.emit(stream === 'calls' ? 'get:active_calls' : 'get:active_campaigns');
      } else {
        subscribe(stream, false);
      }
    },
    retryNow() {
      if (stopped || !socket || socket.connected) return;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      socket.connect();
    },
    onMessage: messages.on,
    onStatus: statuses.on,
    onProblem: problems.on,
    transcripts: transcripts.port,
    recent: recent.port,
  };
}
