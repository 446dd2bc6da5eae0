import { backoffDelay, type BackoffOptions } from '../../shared/backoff';
import { Emitter } from '../../shared/emitter';
import type { Logger } from '../../shared/log';
import type { FeedMode } from '../../shared/monitor';
import { Hub } from '../../server/hub';
import type { HubOptions } from '../../server/hub-types';
import {
  createRealtimeServer,
  logUnknownStatus,
  type HubSource,
  type RealtimeServer,
} from '../../server/realtime-server';
import type { Feed } from '../feed/feed';
import { createHubFeed, type UpstreamStatus } from './hub-feed';

/**
 * Embedded mode: the Watcher and the Hub run in this process, and the monitor core reads the
 * hub directly (./hub-feed). With `servePort` the same hub is also served to other clients
 * through the Socket.IO gateway (createRealtimeServer), so one desktop app can feed others.
 * The watcher's health (polled, it has no events) becomes the feed's status.
 */
export interface EmbeddedFeedOptions {
  mode: FeedMode;
  /** For display: host:port/db, never a password. */
  target: string;
  /** Creates what feeds the hub: the Watcher over MongoDB. */
  createSource(hub: Hub): HubSource;
  /** Also serve other clients on this port (127.0.0.1 unless `serveHost`). */
  servePort?: number | null;
  serveHost?: string;
  serveToken?: string;
  hubOptions?: HubOptions;
  logger: Logger;
  now?: () => number;
  /** How often the watcher's health is read (ms). */
  healthPollMs?: number;
  /** Called after the source stopped (demo mode stops its emulator and simulator here). */
  onStopped?: () => Promise<void>;
  /** Retry waits after a failed start (full jitter); default 1 s doubling to 30 s. */
  backoff?: BackoffOptions;
  random?: () => number;
}

export interface EmbeddedFeed extends Feed {
  /** The gateway URL when serving other clients, once listening. */
  servingUrl(): string | null;
  readonly hub: Hub;
}

export function createEmbeddedFeed(options: EmbeddedFeedOptions): EmbeddedFeed {
  const log = options.logger.child('embedded');
  const now = options.now ?? (() => Date.now());
  const hub = new Hub({
    onUnknownStatus: logUnknownStatus(options.logger.child('hub')),
    ...options.hubOptions,
    now,
  });
  let server: RealtimeServer | null = null;
  let source: HubSource | null = null;
  if (options.servePort != null) {
    server = createRealtimeServer({
      logger: options.logger.child('serve'),
      host: options.serveHost ?? '127.0.0.1',
      port: options.servePort,
      ...(options.serveToken ? { token: options.serveToken } : {}),
      ...(options.mode === 'demo' ? { simulated: true } : {}),
      hub,
      source: (h) => (source = options.createSource(h)),
    });
  } else {
    source = options.createSource(hub);
  }

  let upstream: UpstreamStatus = { status: 'connecting' };
  const upstreamListeners = new Emitter<UpstreamStatus>((error) =>
    log.error('an upstream listener threw', { error }),
  );
  const setUpstream = (next: UpstreamStatus) => {
    if (JSON.stringify(next) === JSON.stringify(upstream)) return;
    upstream = next;
    upstreamListeners.emit(next);
  };
  let servingUrl: string | null = null;
  let started = false;
  let stopped = false;
  let healthTimer: ReturnType<typeof setInterval> | null = null;
  let starting: Promise<void> | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const backoff = options.backoff ?? { baseMs: 1_000, capMs: 30_000, minMs: 250 };
  const random = options.random ?? Math.random;

  // Health is the watcher's word only once it has started; before that, boot() reports.
  let running = false;
  const readHealth = () => {
    if (!source || stopped || !running) return;
    const health = source.health();
    const states = Object.values(health.streams);
    const open = states.every((s) => s === 'open');
    if (health.mongo === 'connected' && open) setUpstream({ status: 'live' });
    else if (states.includes('failed')) {
      setUpstream({ status: 'failed', error: health.lastError ?? 'a change stream failed' });
    } else {
      setUpstream({
        status: 'reconnecting',
        error:
          health.lastError ??
          `MongoDB ${health.mongo}; change streams: ${JSON.stringify(health.streams)}`,
        attempt: health.restarts + 1,
      });
    }
  };

  const boot = () => {
    attempt += 1;
    if (attempt === 1) setUpstream({ status: 'connecting' });
    starting = (async () => {
      try {
        if (server) {
          const { url } = await server.start();
          servingUrl = url;
          log.info('serving other clients', { url });
        } else {
          await source!.start();
        }
        starting = null;
        if (stopped) return;
        running = true;
        readHealth();
        if (upstream.status === 'connecting') setUpstream({ status: 'live' });
      } catch (error) {
        starting = null;
        const message = error instanceof Error ? error.message : String(error);
        if (stopped) return;
        // MongoDB may come up later: retry forever, with backoff and jitter.
        const wait = backoffDelay(attempt, random, backoff);
        log.error('embedded feed could not start; retrying', {
          error: message,
          attempt,
          waitMs: wait,
        });
        setUpstream({
          status: 'reconnecting',
          error: message,
          attempt: attempt + 1,
          nextRetryAt: now() + wait,
        });
        retryTimer = setTimeout(() => {
          retryTimer = null;
          if (!stopped) boot();
        }, wait);
      }
    })();
  };

  const feed = createHubFeed({
    hub,
    transcripts: () => source?.transcripts,
    mode: options.mode,
    target: options.target,
    now,
    logger: options.logger,
    upstream: {
      current: () => upstream,
      onChange: upstreamListeners.on,
    },
    close: async () => {
      stopped = true;
      if (healthTimer) clearInterval(healthTimer);
      if (retryTimer) clearTimeout(retryTimer);
      healthTimer = retryTimer = null;
      await starting?.catch(() => {});
      if (server) await server.stop();
      else await source?.stop();
      hub.close();
      await options.onStopped?.();
    },
  });

  return {
    ...feed,
    hub,
    servingUrl: () => servingUrl,
    start() {
      if (started) return;
      started = true;
      feed.start();
      boot();
      healthTimer = setInterval(readHealth, options.healthPollMs ?? 1_000);
    },
    retryNow() {
      if (retryTimer && !starting && !stopped) {
        clearTimeout(retryTimer);
        retryTimer = null;
        boot();
      } else feed.retryNow();
    },
  };
}
