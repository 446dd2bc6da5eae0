import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from '../shared/log';
import {
  type AnyStreamName,
  CLIENT_EVENTS,
  type StreamName,
  type SubscribeAck,
} from '../shared/protocol/events';
import { viewOf } from '../shared/privacy/redact';
import { SCOPES, type Scope } from '../shared/privacy/scopes';
import { parseAuditExport, parseSubscribeOptions } from '../shared/protocol/schemas';
import { NO_AUDIT, type AuditLog } from './audit-log';
import { TokenRegistry } from './auth/token-registry';
import type { Hub } from './hub';
import type { HubSubscription } from './hub-types';
import { watchSendQueue } from './gateway-backlog';
import { createLiveBroadcast, emitTo, roomFor } from './gateway-rooms';
import type { GatewayServer, GatewaySocket } from './gateway-types';
import { snapshotEmission, toEmissions, type Emission } from './protocol-output';
import { isOriginAllowed, RateLimiter } from './security';
import { createTranscriptGateway } from './transcript-gateway';
import type { TranscriptStore } from './transcripts/transcript-store';

export type { GatewayServer, GatewaySocket };

export interface GatewayOptions {
  hub: Hub;
  logger: Logger;
  /**
   * The tokens clients may present as `auth.token`, each with its scopes; absent: clients
   * need none and get every scope (loopback only, see serve). A change of the registry (a
   * token file reloaded) ends the connections whose token is gone or whose scopes changed.
   */
  tokens?: TokenRegistry;
  /** Where transcripts opened, exports and refusals are written (./audit-log). */
  audit?: AuditLog;
  /** Browser origins allowed besides the server's own; `*` only if listed. */
  allowedOrigins?: readonly string[];
  /** Largest inbound message (bytes); clients only send small requests. Default 64 KiB. */
  maxHttpBufferSize?: number;
  /** Inbound events per second per socket, and the burst allowed. Default 10/s, burst 30. */
  rateLimit?: { perSecond: number; burst: number };
  /** Outgoing packets queued for one socket before the hub holds it back. Default 256. */
  maxQueuedPackets?: number;
  /** The data is simulated (`serve --demo`): every v2 subscribe ack says so. */
  simulated?: boolean;
  /** The plan's concurrent-call limit (`serve --plan-limit`): every v2 subscribe ack says it. */
  planLimit?: number;
  /** Live transcripts (./transcript-gateway); without, `subscribe:transcript` is refused. */
  transcripts?: TranscriptStore;
  now?: () => number;
}

export interface GatewayCounters {
  connectionsTotal: number;
  connected: number;
  rejectedUnauthorized: number;
  rejectedOrigin: number;
  badRequests: number;
  rateLimited: number;
  /** Requests refused because the token lacks the scope. */
  refusedByScope: Record<Scope, number>;
  /** Connections ended because their token was revoked (or its scopes changed). */
  revoked: number;
}

export interface Gateway {
  io: GatewayServer;
  counters(): GatewayCounters;
  /** Disconnects every client and detaches from the HTTP server (which it does not close). */
  close(): Promise<void>;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set(CLIENT_EVENTS);

const ERROR_TYPE: Record<StreamName, 'active_calls' | 'active_campaigns'> = {
  calls: 'active_calls',
  campaigns: 'active_campaigns',
};

/** The scope each stream needs: the recent window is calls (its outcomes are `outcomes`'). */
const STREAM_SCOPE: Record<AnyStreamName, Scope> = {
  calls: 'calls',
  campaigns: 'campaigns',
  recent: 'calls',
};

/** Socket.IO on `httpServer`: the seed protocol exactly, v2 on opt-in (docs/protocol.md). */
export function attachGateway(httpServer: HttpServer, options: GatewayOptions): Gateway {
  const { hub, logger } = options;
  const now = options.now ?? Date.now;
  const allowList = options.allowedOrigins ?? [];
  const maxQueued = options.maxQueuedPackets ?? 256;
  const rate = options.rateLimit ?? { perSecond: 10, burst: 30 };
  const tokens = options.tokens ?? TokenRegistry.open();
  const audit = options.audit ?? NO_AUDIT;
  const stats = {
    connectionsTotal: 0,
    rejectedUnauthorized: 0,
    rejectedOrigin: 0,
    badRequests: 0,
    rateLimited: 0,
    refusedByScope: Object.fromEntries(SCOPES.map((s) => [s, 0])) as Record<Scope, number>,
    revoked: 0,
  };

  const originOk = (req: IncomingMessage) =>
    isOriginAllowed(req.headers.origin, req.headers.host, allowList);

  const io: GatewayServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    // CORS headers only for allowed origins (polling); websockets are checked in allowRequest.
    cors: {
      origin: (origin, callback) =>
        callback(null, origin === undefined || isOriginAllowed(origin, undefined, allowList)),
      methods: ['GET', 'POST'],
    },
    allowRequest: (req, callback) => {
      if (originOk(req)) return callback(null, true);
      stats.rejectedOrigin += 1;
      logger.warn('refused a connection from a foreign origin', { origin: req.headers.origin });
      callback('origin not allowed', false);
    },
  });

  // Checked on every connection, reconnections included: this server keeps no
  // connection-state recovery (v2 `since` replay is exact), so no handshake skips it.
  // The scopes come from the registry's entry for the token, never from what the client
  // claims (anything else in `auth` is ignored).
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const principal = tokens.authenticate(auth?.token);
    if (principal) {
      socket.data.principal = principal;
      return next();
    }
    stats.rejectedUnauthorized += 1;
    const address = socket.handshake.address;
    audit.record({
      what: 'refused',
      token: null,
      event: 'connect',
      reason: 'unauthorized',
      address,
    });
    logger.warn('refused a client: missing or wrong token', { address });
    const error = new Error('unauthorized') as Error & { data?: unknown };
    error.data = { type: 'unauthorized', message: 'the server refused the token' };
    next(error);
  });

  const live = createLiveBroadcast(io, (error) =>
    logger.error('a live broadcast failed', { error }),
  );
  const transcripts = createTranscriptGateway({
    io,
    store: options.transcripts,
    logger,
    onBadRequest: () => (stats.badRequests += 1),
    allowed: (socket, callSid) => {
      if (socket.data.principal.scopes.includes('transcripts')) return null;
      return refuseScope(socket, 'subscribe:transcript', 'transcripts', { callSid });
    },
    onOpened: (socket, callSid) =>
      audit.record({
        what: 'transcript_opened',
        token: socket.data.principal.name,
        callSid,
        address: socket.handshake.address,
      }),
  });
  io.on('connection', (socket) => onConnection(socket));

  // A reload of the token file: every connection whose token is gone or whose scopes changed
  // ends now (a client that reconnects presents its token again and gets what it now allows).
  const stopRevoking = tokens.changed.on(() => {
    for (const socket of io.of('/').sockets.values()) {
      const principal = socket.data.principal;
      if (tokens.isCurrent(principal)) continue;
      stats.revoked += 1;
      const address = socket.handshake.address;
      audit.record({ what: 'revoked', token: principal.name, address });
      logger.warn('ended a connection: its token was revoked or its scopes changed', {
        token: principal.name,
        address,
      });
      socket.emit('error', {
        type: 'unauthorized',
        message: 'the server revoked this token or changed its scopes: connect again',
      });
      socket.disconnect(true);
    }
  });

  /** Refuses a request the token's scopes do not allow: said to the client, counted, audited. */
  function refuseScope(
    socket: GatewaySocket,
    event: string,
    scope: Scope,
    extra: { callSid?: string } = {},
  ): string {
    stats.refusedByScope[scope] += 1;
    const message = `this token has no "${scope}" scope: ${event} refused (docs/operations.md, "Tokens and scopes")`;
    audit.record({
      what: 'refused',
      token: socket.data.principal.name,
      event,
      reason: 'scope',
      scope,
      ...extra,
      address: socket.handshake.address,
    });
    socket.emit('error', { type: 'forbidden', message, details: { event, scope, ...extra } });
    return message;
  }

  /** One socket's own emissions (snapshots, replays, resyncs), after any pending broadcast. */
  function send(socket: GatewaySocket, emissions: readonly Emission[]): void {
    live.flush();
    for (const emission of emissions) emitTo(socket, emission);
  }

  function onConnection(socket: GatewaySocket): void {
    stats.connectionsTotal += 1;
    socket.data.subscriptions = {};
    const { scopes } = socket.data.principal;
    const view = viewOf(scopes);
    const subs = new Map<AnyStreamName, HubSubscription>();
    const limiter = new RateLimiter(rate.perSecond, rate.burst, now);
    let lastRateWarning = Number.NEGATIVE_INFINITY;
    let lastUnknownWarning = Number.NEGATIVE_INFINITY;

    socket.use((_packet, next) => {
      if (limiter.take()) return next();
      stats.rateLimited += 1;
      if (now() - lastRateWarning >= 1000) {
        lastRateWarning = now();
        socket.emit('error', {
          type: 'rate_limited',
          message: `too many requests: at most ${rate.perSecond} per second (burst ${rate.burst}); request dropped`,
        });
      }
    });

    // Socket.IO drops events nobody listens to without a word: count and log them (at most
    // once a second per socket, so a flood cannot fill the log).
    socket.onAny((event: unknown) => {
      if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return;
      stats.badRequests += 1;
      if (now() - lastUnknownWarning < 1000) return;
      lastUnknownWarning = now();
      logger.warn('ignored an unknown event', {
        event: String(event).slice(0, 100),
        address: socket.handshake.address,
      });
    });

    const backpressure = watchSendQueue(socket, maxQueued);

    const unsubscribe = (stream: AnyStreamName) => {
      subs.get(stream)?.();
      subs.delete(stream);
      const mode = socket.data.subscriptions[stream];
      if (mode) live.leave(socket, roomFor(stream, { ...mode, view }));
      delete socket.data.subscriptions[stream];
    };

    const subscribe = (stream: AnyStreamName, args: unknown[]) => {
      // The ack, when asked for, is the last argument (a seed client may pass only it).
      const last = args.at(-1);
      const reply =
        typeof last === 'function' ? (args.pop() as (r: SubscribeAck) => void) : undefined;
      const parsed =
        args.length > 1
          ? {
              ok: false as const,
              error: `subscribe:${stream} takes at most one options object, got ${args.length} arguments`,
            }
          : stream === 'recent' && args[0] == null
            ? {
                // v2 only: the seed protocol has no such stream, so no seed shape to send.
                ok: false as const,
                error:
                  'subscribe:recent is v2 only: send { v: 2 } (docs/protocol.md, "Recent calls")',
              }
            : parseSubscribeOptions(args[0]);
      if (parsed.ok && !scopes.includes(STREAM_SCOPE[stream])) {
        const error = refuseScope(socket, `subscribe:${stream}`, STREAM_SCOPE[stream]);
        // The scopes too, so a client knows the refusal is for good, not a fault.
        reply?.({ ok: false, error, ...(parsed.value ? { scopes } : {}) });
        return;
      }
      if (!parsed.ok) {
        stats.badRequests += 1;
        socket.emit('error', {
          type: 'bad_request',
          message: parsed.error,
          details: { event: `subscribe:${stream}` },
        });
        reply?.({ ok: false, error: parsed.error });
        return;
      }
      unsubscribe(stream);
      const opts = parsed.value;
      const shape = { v2: opts !== undefined, batch: opts?.batch ?? true };
      socket.data.subscriptions[stream] = shape;
      const mode = { ...shape, view };
      const room = roomFor(stream, mode);
      live.join(socket, room);
      const sub = hub.subscribe(
        stream,
        { ...(opts?.since ? { since: opts.since } : {}), backpressure },
        (event) => {
          if (!socket.connected) return;
          const build = () =>
            toEmissions(
              event,
              mode,
              new Date(now()).toISOString(),
              () => hub.snapshot(stream).docs,
            );
          // A flush's live changes are the same for the whole room: one broadcast.
          if (event.type === 'changes' && !event.replay)
            live.deliver(socket.id, room, event, build);
          else send(socket, build());
        },
      );
      subs.set(stream, sub);
      reply?.({
        ok: true,
        mode: sub.mode,
        epoch: sub.epoch,
        seq: sub.seq,
        ...(options.simulated ? { simulated: true } : {}),
        ...(opts && options.planLimit !== undefined ? { planLimit: options.planLimit } : {}),
        ...(opts ? { scopes } : {}),
      });
    };

    const answerSnapshot = (stream: StreamName) => {
      if (!scopes.includes(STREAM_SCOPE[stream])) {
        refuseScope(socket, `get:active_${stream}`, STREAM_SCOPE[stream]);
        return;
      }
      try {
        const snap = hub.snapshot(stream);
        const v2 = socket.data.subscriptions[stream]?.v2 ?? false;
        const timestamp = new Date(now()).toISOString();
        send(socket, [snapshotEmission(stream, snap.docs, v2 ? snap : null, timestamp, view)]);
      } catch (error) {
        socket.emit('error', {
          type: ERROR_TYPE[stream],
          message: `could not read the active ${stream}`,
          details: (error as Error).message,
        });
      }
    };

    // Every argument, however many: a hostile client may send any number (docs/protocol.md).
    socket.on('subscribe:calls', (...args: unknown[]) => subscribe('calls', args));
    socket.on('subscribe:campaigns', (...args: unknown[]) => subscribe('campaigns', args));
    socket.on('unsubscribe:calls', () => unsubscribe('calls'));
    socket.on('unsubscribe:campaigns', () => unsubscribe('campaigns'));
    socket.on('get:active_calls', () => answerSnapshot('calls'));
    socket.on('get:active_campaigns', () => answerSnapshot('campaigns'));
    socket.on('subscribe:recent', (...args: unknown[]) => subscribe('recent', args));
    socket.on('unsubscribe:recent', () => unsubscribe('recent'));
    socket.on('audit:export', (...args: unknown[]) => {
      const parsed =
        args.length === 1
          ? parseAuditExport(args[0])
          : { ok: false as const, error: 'audit:export takes one object' };
      if (!parsed.ok) {
        stats.badRequests += 1;
        socket.emit('error', {
          type: 'bad_request',
          message: parsed.error,
          details: { event: 'audit:export' },
        });
        return;
      }
      audit.record({
        what: 'export',
        token: socket.data.principal.name,
        view: parsed.value.view,
        rows: parsed.value.rows,
        address: socket.handshake.address,
      });
    });
    socket.on('disconnect', () => {
      for (const stream of [...subs.keys()]) unsubscribe(stream);
      backpressure.dispose();
    });
    transcripts.onConnection(socket);
  }

  return {
    io,
    counters: () => ({
      ...stats,
      refusedByScope: { ...stats.refusedByScope },
      connected: io.engine?.clientsCount ?? 0,
    }),
    close: async () => {
      stopRevoking();
      transcripts.close();
      io.disconnectSockets(true);
      // Not io.close(): that also closes the HTTP server, which its owner closes.
      io.engine.close();
      await Promise.resolve();
    },
  };
}
