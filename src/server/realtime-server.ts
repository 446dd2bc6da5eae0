import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { Logger } from '../shared/log';
import { STREAMS } from '../shared/protocol/events';
import { ServerError } from './errors';
import { attachGateway, type Gateway, type GatewayOptions } from './gateway';
import type { AuditLog } from './audit-log';
import { TokenRegistry } from './auth/token-registry';
import { Hub } from './hub';
import type { HubOptions } from './hub-types';
import { registerServerMetrics, type HealthReport, type WatcherHealth } from './metrics';
import { collectProcessMetrics } from './process-metrics';
import { isLoopbackHost } from './security';
import { createStaticFiles, SECURITY_HEADERS } from './static-files';
import type { TranscriptStore } from './transcripts/transcript-store';

/** Something that feeds the hub (the Watcher; tests may use their own). */
export interface HubSource {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): WatcherHealth;
  /** Live transcripts, when the source reads them (the Watcher does). */
  readonly transcripts?: TranscriptStore;
}

export interface RealtimeServerConfig {
  logger: Logger;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 7070; 0 picks a free port. */
  port?: number;
  /** Clients must present it as `auth.token`; it has every scope. */
  token?: string;
  /** Named tokens with scopes (`serve --tokens FILE`), instead of `token`. */
  tokens?: TokenRegistry;
  /** Where transcripts opened, exports and refusals are recorded (`serve --audit-log`). */
  audit?: AuditLog;
  /** Allows binding a non-loopback address without a token (warns at start). */
  insecureNoAuth?: boolean;
  allowedOrigins?: readonly string[];
  /** The built renderer, served at `/` as the web dashboard. */
  staticDir?: string;
  /** An existing hub (the embedded app shares it) or options for a new one. */
  hub?: Hub | HubOptions;
  /** Created with the hub, so it can feed it: e.g. `(hub) => new Watcher({ hub, ... })`. */
  source?: (hub: Hub) => HubSource;
  gateway?: Pick<GatewayOptions, 'maxHttpBufferSize' | 'rateLimit' | 'maxQueuedPackets'>;
  /** The data is simulated (`serve --demo`): subscribe acks and /healthz say so. */
  simulated?: boolean;
  /**
   * The plan's concurrent-call limit (`serve --plan-limit`): /healthz reports it, and v2
   * subscribe acks carry it (SubscribeAck.planLimit) so every client's concurrency figure
   * uses the same limit.
   */
  planLimit?: number;
}

export interface RealtimeServer {
  readonly hub: Hub;
  /** Starts the source (MongoDB), then listens. Rejects with a ServerError. */
  start(): Promise<{ url: string; host: string; port: number }>;
  /** Closes sockets, the HTTP server, the source and the hub's timers. Idempotent. */
  stop(): Promise<void>;
  health(): HealthReport;
  /** What `GET /metrics` answers: Prometheus text (docs/operations.md). */
  metrics(): Promise<string>;
  /** The Socket.IO gateway while listening (tests, and embedders that need its counters). */
  gateway(): Gateway | null;
}

/** Logs each status value no mapping knows once (the Hub calls it the first time). */
export function logUnknownStatus(logger: Logger): NonNullable<HubOptions['onUnknownStatus']> {
  return (stream, value) =>
    logger.warn(
      'a status no mapping knows: shown as active and marked until a known ended status arrives; ' +
        'map it with --status-mapping (docs/operations.md)',
      { stream, value },
    );
}

/**
 * Composition root of the realtime server: source (Watcher) -> Hub -> Socket.IO gateway, plus
 * /healthz, /metrics and the static dashboard on one HTTP server.
 */
export function createRealtimeServer(config: RealtimeServerConfig): RealtimeServer {
  const logger = config.logger;
  const host = config.host ?? '127.0.0.1';
  const port = config.port ?? 7070;
  const hub =
    config.hub instanceof Hub
      ? config.hub
      : new Hub({ onUnknownStatus: logUnknownStatus(logger), ...config.hub });
  const ownsHub = !(config.hub instanceof Hub);
  if (config.token !== undefined && config.tokens) {
    throw new ServerError('bad_config', 'give either a token or a token file, not both');
  }
  const tokens =
    config.tokens ??
    (config.token !== undefined ? TokenRegistry.single(config.token) : TokenRegistry.open());
  const source = config.source?.(hub);
  const startedAt = Date.now();
  let http: Server | null = null;
  let gateway: Gateway | null = null;
  let stopping: Promise<void> | null = null;
  const staticFiles = config.staticDir
    ? createStaticFiles(config.staticDir, logger.child('static'))
    : null;

  const health = (): HealthReport => {
    const mongo = source?.health();
    const healthy =
      !mongo ||
      (mongo.mongo === 'connected' && Object.values(mongo.streams).every((s) => s === 'open'));
    return {
      status: healthy ? 'ok' : 'degraded',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      epoch: hub.epoch,
      seq: Object.fromEntries(STREAMS.map((s) => [s, hub.seq(s)])),
      clients: gateway?.counters().connected ?? 0,
      unknownStatuses: hub.unknownStatuses(),
      ...(config.simulated ? { simulated: true as const } : {}),
      ...(config.planLimit !== undefined ? { planLimit: config.planLimit } : {}),
      ...(mongo ? { mongo } : {}),
    };
  };

  // This server's own registry (src/server/metrics.ts); the process metrics join it while
  // it listens.
  const registry = new Registry();
  registerServerMetrics(registry, {
    hub,
    health,
    gateway: () => gateway?.counters(),
    ...(source ? { mongo: () => source.health() } : {}),
    ...(source?.transcripts ? { transcripts: source.transcripts } : {}),
  });
  let stopProcessMetrics: (() => void) | null = null;
  const metrics = () => registry.metrics();

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const report = health();
      res.writeHead(report.status === 'ok' ? 200 : 503, {
        ...SECURITY_HEADERS,
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(report));
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      const text = await metrics();
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': registry.contentType,
        'Cache-Control': 'no-store',
      });
      res.end(text);
      return;
    }
    if (staticFiles?.(req, res)) return;
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  };

  const listen = (server: Server) =>
    new Promise<AddressInfo>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (error.code === 'EADDRINUSE') {
          reject(new ServerError('port_in_use', `port ${port} on ${host} is already in use`));
        } else {
          reject(
            new ServerError('listen_failed', `cannot listen on ${host}:${port}: ${error.message}`),
          );
        }
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(server.address() as AddressInfo);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });

  return {
    hub,
    health,
    metrics,
    gateway: () => gateway,
    async start() {
      if (!tokens.required && !isLoopbackHost(host)) {
        if (!config.insecureNoAuth) {
          throw new ServerError(
            'insecure_bind',
            `refusing to listen on ${host} without a token: anyone who can reach it would see every call. ` +
              'Give a token (--token / CALLBOARD_TOKEN), bind 127.0.0.1, or pass --insecure-no-auth',
          );
        }
        logger.warn(
          `listening on ${host} WITHOUT a token (--insecure-no-auth): anyone who can reach it sees every call`,
        );
      }
      if (source) await source.start();
      stopProcessMetrics = collectProcessMetrics(registry);
      http = createServer((req, res) => {
        onRequest(req, res).catch((error: unknown) => {
          logger.error('request failed', { url: req.url, error });
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      });
      try {
        const address = await listen(http);
        gateway = attachGateway(http, {
          hub,
          logger: logger.child('gateway'),
          tokens,
          ...(config.audit ? { audit: config.audit } : {}),
          allowedOrigins: config.allowedOrigins ?? [],
          ...(config.simulated ? { simulated: true } : {}),
          ...(config.planLimit !== undefined ? { planLimit: config.planLimit } : {}),
          ...(source?.transcripts ? { transcripts: source.transcripts } : {}),
          ...config.gateway,
        });
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const url = `http://${shownHost}:${address.port}`;
        logger.info(`listening on ${url}`, {
          auth: config.tokens ? `${tokens.size} named tokens` : tokens.required ? 'token' : 'none',
        });
        return { url, host: address.address, port: address.port };
      } catch (error) {
        http = null;
        stopProcessMetrics();
        if (source) await source.stop();
        throw error;
      }
    },
    stop() {
      stopping ??= (async () => {
        // Transports closed first, so clients see "transport close" and reconnect (to this
        // server once it is back, or to another behind a balancer). A Socket.IO disconnect
        // ("io server disconnect") is final for socket.io-client: every seed client with
        // default options would stay away after a restart (test/scale-out, rolling restart).
        gateway?.io.engine.close();
        await gateway?.close();
        if (http) {
          const server = http;
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        }
        if (source) await source.stop();
        stopProcessMetrics?.();
        if (ownsHub) hub.close();
      })();
      return stopping;
    },
  };
}
