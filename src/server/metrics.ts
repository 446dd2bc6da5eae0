import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GatewayCounters } from './gateway';
import type { HubCounters } from './hub-types';

export type WatcherState = 'starting' | 'open' | 'retrying' | 'stopped' | 'failed';

/** What /healthz reports about MongoDB and the change streams. */
export interface WatcherHealth {
  mongo: 'connected' | 'disconnected';
  streams: Record<string, WatcherState>;
  lastError?: string;
  /** Events received from change streams, per collection. */
  changesIn: number;
  restarts: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  uptimeSeconds: number;
  epoch: string;
  seq: Record<string, number>;
  clients: number;
  /** Present when the data is simulated (`serve --demo`). */
  simulated?: true;
  mongo?: WatcherHealth;
}

/*
 * /metrics is one prom-client `Registry` per realtime server (never the library's global
 * default registry: two servers in one process must not share or collide). The server
 * (`createRealtimeServer`) creates it and registers everything below, plus the process
 * metrics (`collectProcessMetrics`). Names follow Prometheus conventions: `callboard_` prefix,
 * base units (`_seconds`), `_total` on counters. docs/operations.md lists the ones to alert on
 * and the renames.
 *
 * The counters live in their components as plain numbers (`hub.counters()`,
 * `gateway.counters()`, `source.health()`, cheap on the hot path) and are read at scrape
 * time; only the latency histograms are observed as things happen.
 */

/** One metric read from a component's statistics at scrape time. */
interface Reading<T> {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  read: (stats: T) => number;
}

/**
 * Registers `readings` over `stats()`, read at each scrape; `stats()` undefined (the gateway
 * before it listens) reads as 0.
 */
function registerReadings<T>(
  registry: Registry,
  readings: readonly Reading<T>[],
  stats: () => T | undefined,
): void {
  for (const { name, help, type, read } of readings) {
    const value = () => {
      const current = stats();
      return current === undefined ? 0 : read(current);
    };
    if (type === 'counter') {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(value());
        },
      });
    } else {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(value());
        },
      });
    }
  }
}

const HUB_READINGS: readonly Reading<HubCounters>[] = [
  {
    name: 'callboard_hub_events_in_total',
    help: 'Changes handed to the hub',
    type: 'counter',
    read: (s) => s.eventsIn,
  },
  {
    name: 'callboard_hub_events_dropped_total',
    help: 'Changes dropped (stale or irrelevant)',
    type: 'counter',
    read: (s) => s.eventsDropped,
  },
  {
    name: 'callboard_hub_batches_out_total',
    help: 'Flushes that produced changes',
    type: 'counter',
    read: (s) => s.batchesOut,
  },
  {
    name: 'callboard_hub_entries_out_total',
    help: 'Sequence numbers produced',
    type: 'counter',
    read: (s) => s.entriesOut,
  },
  {
    name: 'callboard_hub_deliveries_total',
    help: 'Events delivered to subscribers',
    type: 'counter',
    read: (s) => s.deliveries,
  },
  {
    name: 'callboard_hub_snapshots_total',
    help: 'Snapshots delivered',
    type: 'counter',
    read: (s) => s.snapshotsSent,
  },
  {
    name: 'callboard_hub_replays_total',
    help: 'Replays delivered from the ring',
    type: 'counter',
    read: (s) => s.replaysSent,
  },
  {
    name: 'callboard_hub_slow_consumer_holds_total',
    help: 'Subscribers held back by backpressure',
    type: 'counter',
    read: (s) => s.slowConsumerHolds,
  },
  {
    name: 'callboard_hub_slow_consumer_resyncs_total',
    help: 'Held subscribers resynced with a snapshot',
    type: 'counter',
    read: (s) => s.slowConsumerResyncs,
  },
  {
    name: 'callboard_hub_epoch_bumps_total',
    help: 'New epochs (history lost, invalidate)',
    type: 'counter',
    read: (s) => s.epochBumps,
  },
  {
    name: 'callboard_hub_listener_errors_total',
    help: 'Subscriber callbacks that threw (the others were still served)',
    type: 'counter',
    read: (s) => s.listenerErrors,
  },
  {
    name: 'callboard_hub_subscribers',
    help: 'Current stream subscriptions',
    type: 'gauge',
    read: (s) => s.subscribers,
  },
  {
    name: 'callboard_hub_pending',
    help: 'Changes waiting for the next flush',
    type: 'gauge',
    read: (s) => s.pending,
  },
  {
    name: 'callboard_hub_flush_window_seconds',
    help: 'Coalescing window after the last flush (its cost over the flush budget, capped)',
    type: 'gauge',
    read: (s) => s.flushWindowMs / 1000,
  },
];

const GATEWAY_READINGS: readonly Reading<GatewayCounters>[] = [
  {
    name: 'callboard_clients',
    help: 'Connected Socket.IO clients',
    type: 'gauge',
    read: (s) => s.connected,
  },
  {
    name: 'callboard_connections_total',
    help: 'Accepted connections',
    type: 'counter',
    read: (s) => s.connectionsTotal,
  },
  {
    name: 'callboard_rejected_unauthorized_total',
    help: 'Connections refused for a missing or wrong token',
    type: 'counter',
    read: (s) => s.rejectedUnauthorized,
  },
  {
    name: 'callboard_rejected_origin_total',
    help: 'Connections refused for a foreign origin',
    type: 'counter',
    read: (s) => s.rejectedOrigin,
  },
  {
    name: 'callboard_bad_requests_total',
    help: 'Inbound messages refused as malformed',
    type: 'counter',
    read: (s) => s.badRequests,
  },
  {
    name: 'callboard_rate_limited_total',
    help: 'Inbound messages dropped by the rate limit',
    type: 'counter',
    read: (s) => s.rateLimited,
  },
];

const HEALTH_READINGS: readonly Reading<HealthReport>[] = [
  {
    name: 'callboard_up',
    help: '1 while healthy, 0 while degraded',
    type: 'gauge',
    read: (h) => (h.status === 'ok' ? 1 : 0),
  },
];

const MONGO_READINGS: readonly Reading<WatcherHealth>[] = [
  {
    name: 'callboard_mongo_connected',
    help: '1 while MongoDB is reachable',
    type: 'gauge',
    read: (m) => (m.mongo === 'connected' ? 1 : 0),
  },
  {
    name: 'callboard_change_events_total',
    help: 'Change events received',
    type: 'counter',
    read: (m) => m.changesIn,
  },
  {
    name: 'callboard_change_stream_restarts_total',
    help: 'Change stream restarts',
    type: 'counter',
    read: (m) => m.restarts,
  },
];

/**
 * Bucket bounds (seconds) of the hub's latencies: an idle hub flushes at once and a busy one
 * waits at most its 16 ms window, so most land under 25 ms; whole seconds mean an overloaded
 * process or a stalled client.
 */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The hub's latency distributions, observed by the hub as it flushes and delivers. */
export interface HubHistograms {
  /** Per stream flush: the age of its oldest pending change. */
  flushLag: Histogram;
  /** Per change set delivered to a subscriber: from its oldest change reaching the hub to the subscriber having it. */
  deliveryLatency: Histogram;
}

/**
 * Created by each Hub and registered in no registry: one hub may feed a server (which
 * registers them, `registerHubMetrics`) or none (tests, the embedded app without a server).
 */
export function createHubHistograms(): HubHistograms {
  return {
    flushLag: new Histogram({
      name: 'callboard_hub_flush_lag_seconds',
      help: 'Age of the oldest change of a stream when a flush applied it',
      buckets: LATENCY_BUCKETS,
      registers: [],
    }),
    deliveryLatency: new Histogram({
      name: 'callboard_hub_delivery_latency_seconds',
      help: 'From the oldest change of a delivery reaching the hub to the subscriber having it (queued on its socket); catch-ups of held-back subscribers included',
      buckets: LATENCY_BUCKETS,
      registers: [],
    }),
  };
}

/** What a server's /metrics reads from. */
export interface MetricSources {
  hub: { counters(): HubCounters; readonly histograms: HubHistograms };
  health: () => HealthReport;
  /** undefined until the gateway listens (its counters read as 0). */
  gateway: () => GatewayCounters | undefined;
  /** The MongoDB watcher's health, when the server has one. */
  mongo?: () => WatcherHealth;
}

/** Registers a server's own metrics (all but the process's) in its registry. */
export function registerServerMetrics(registry: Registry, sources: MetricSources): void {
  registerReadings(registry, HEALTH_READINGS, sources.health);
  registerReadings(registry, HUB_READINGS, () => sources.hub.counters());
  registry.registerMetric(sources.hub.histograms.flushLag);
  registry.registerMetric(sources.hub.histograms.deliveryLatency);
  registerReadings(registry, GATEWAY_READINGS, sources.gateway);
  if (sources.mongo) registerReadings(registry, MONGO_READINGS, sources.mongo);
}
