import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SCOPES } from '../shared/privacy/scopes';
import type { GatewayCounters } from './gateway';
import type { HubCounters } from './hub-types';
import type { TranscriptCounters } from './transcripts/transcript-store';
import type { UnknownValue } from './unknown-values';

export type WatcherState = 'starting' | 'open' | 'retrying' | 'stopped' | 'failed';

/** What /healthz reports about MongoDB and the change streams. */
export interface WatcherHealth {
  mongo: 'connected' | 'disconnected';
  streams: Record<string, WatcherState>;
  lastError?: string;
  /** Events received from change streams, per collection. */
  changesIn: number;
  restarts: number;
  /** createIndex commands for collections whose snapshot has no index (docs/operations.md). */
  missingIndexes?: string[];
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  uptimeSeconds: number;
  epoch: string;
  seq: Record<string, number>;
  clients: number;
  /** Present when the data is simulated (`serve --demo`). */
  simulated?: true;
  /** The plan's concurrent-call limit, when given (`serve --plan-limit`). */
  planLimit?: number;
  mongo?: WatcherHealth;
  /** Status values no mapping knows, seen since start (docs/operations.md, "Status mapping"). */
  unknownStatuses: UnknownValue[];
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

/** What the metrics read at each scrape. */
interface ServerStats {
  health: HealthReport;
  hub: HubCounters;
  gateway: GatewayCounters;
  /** Present when the server watches MongoDB. */
  mongo?: WatcherHealth;
}

const NOT_LISTENING: GatewayCounters = {
  connectionsTotal: 0,
  connected: 0,
  rejectedUnauthorized: 0,
  rejectedOrigin: 0,
  badRequests: 0,
  rateLimited: 0,
  refusedByScope: { calls: 0, campaigns: 0, outcomes: 0, transcripts: 0, pii: 0 },
  revoked: 0,
};

/**
 * Metric name -> help and how to read it. A name that ends in `_total` is a counter (the
 * Prometheus naming rule), any other a gauge. `MONGO_READINGS` exist only on a server that
 * watches MongoDB.
 */
type Readings<T> = Record<string, readonly [help: string, read: (stats: T) => number]>;

const READINGS: Readings<ServerStats> = {
  callboard_up: ['1 while healthy, 0 while degraded', (s) => (s.health.status === 'ok' ? 1 : 0)],
  callboard_hub_events_in_total: ['Changes handed to the hub', (s) => s.hub.eventsIn],
  callboard_hub_events_dropped_total: [
    'Changes dropped (stale, irrelevant)',
    (s) => s.hub.eventsDropped,
  ],
  callboard_hub_batches_out_total: ['Flushes that produced changes', (s) => s.hub.batchesOut],
  callboard_hub_entries_out_total: ['Sequence numbers produced', (s) => s.hub.entriesOut],
  callboard_hub_deliveries_total: ['Events delivered to subscribers', (s) => s.hub.deliveries],
  callboard_hub_snapshots_total: ['Snapshots delivered', (s) => s.hub.snapshotsSent],
  callboard_hub_replays_total: ['Replays delivered from the ring', (s) => s.hub.replaysSent],
  callboard_hub_slow_consumer_holds_total: [
    'Subscribers held back by backpressure',
    (s) => s.hub.slowConsumerHolds,
  ],
  callboard_hub_slow_consumer_resyncs_total: [
    'Held subscribers resynced with a snapshot',
    (s) => s.hub.slowConsumerResyncs,
  ],
  callboard_hub_epoch_bumps_total: [
    'New epochs (history lost, invalidate)',
    (s) => s.hub.epochBumps,
  ],
  callboard_hub_listener_errors_total: [
    'Subscriber callbacks that threw (the others were still served)',
    (s) => s.hub.listenerErrors,
  ],
  callboard_hub_subscribers: ['Current stream subscriptions', (s) => s.hub.subscribers],
  callboard_hub_pending: ['Changes waiting for the next flush', (s) => s.hub.pending],
  callboard_hub_flush_window_seconds: [
    'Coalescing window after the last flush (its cost over the flush budget, capped)',
    (s) => s.hub.flushWindowMs / 1000,
  ],
  callboard_clients: ['Connected Socket.IO clients', (s) => s.gateway.connected],
  callboard_connections_total: ['Accepted connections', (s) => s.gateway.connectionsTotal],
  callboard_rejected_unauthorized_total: [
    'Connections refused for a missing or wrong token',
    (s) => s.gateway.rejectedUnauthorized,
  ],
  callboard_rejected_origin_total: [
    'Connections refused for a foreign origin',
    (s) => s.gateway.rejectedOrigin,
  ],
  callboard_bad_requests_total: [
    'Inbound messages refused as malformed',
    (s) => s.gateway.badRequests,
  ],
  callboard_rate_limited_total: [
    'Inbound messages dropped by the rate limit',
    (s) => s.gateway.rateLimited,
  ],
  callboard_revoked_connections_total: [
    'Connections ended because their token was revoked or its scopes changed',
    (s) => s.gateway.revoked,
  ],
};

const MONGO_READINGS: Readings<Required<ServerStats>> = {
  callboard_mongo_connected: [
    '1 while MongoDB is reachable',
    (s) => (s.mongo.mongo === 'connected' ? 1 : 0),
  ],
  callboard_change_events_total: ['Change events received', (s) => s.mongo.changesIn],
  callboard_change_stream_restarts_total: ['Change stream restarts', (s) => s.mongo.restarts],
};

/** Live transcripts (docs/architecture.md, "Transcripts"), on a server that reads them. */
const TRANSCRIPT_READINGS: Readings<TranscriptCounters> = {
  callboard_transcript_subscriptions: [
    'Open transcript subscriptions (sockets, and in-process subscribers)',
    (t) => t.subscriptions,
  ],
  callboard_transcript_turns_delivered_total: [
    'Transcript turns delivered to subscribers (snapshots, replays and live)',
    (t) => t.turnsDelivered,
  ],
  callboard_transcript_calls_held: [
    'Calls whose turns are held in memory (watched, or just left)',
    (t) => t.callsHeld,
  ],
  callboard_transcript_turns_held: ['Transcript turns held in memory', (t) => t.turnsHeld],
  callboard_transcript_bad_turns_total: [
    'Transcript turn documents that could not be read (left out, logged once each)',
    (t) => t.badTurns,
  ],
};

/** Registers `readings` in `registry`, each read from `stats()` at every scrape. */
function registerReadings<T>(registry: Registry, readings: Readings<T>, stats: () => T): void {
  for (const [name, [help, read]] of Object.entries(readings)) {
    if (name.endsWith('_total')) {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read(stats()));
        },
      });
    } else {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(stats()));
        },
      });
    }
  }
}

/**
 * Bucket bounds (seconds) of the hub's latencies: an idle hub flushes at once and a busy one
 * waits at most its 16 ms window, so most land under 25 ms; whole seconds mean an overloaded
 * process or a stalled client.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The hub's latency distributions, observed by the hub as it flushes and delivers. */
export interface HubHistograms {
  /** Per stream flush: the age of its oldest pending change. */
  flushLag: Histogram;
  /**
   * From the oldest change of a delivery reaching the hub to the subscribers having it: once
   * per flush (to the last live subscriber it was sent to), once per catch-up of a held-back
   * subscriber.
   */
  deliveryLatency: Histogram;
}

/**
 * Created by each Hub and registered in no registry: a hub may feed a server (which registers
 * them, `registerServerMetrics`), or none (tests), or be shared by the embedded app.
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
      help: 'From the oldest change of a delivery reaching the hub to the subscribers having it queued on their sockets: per flush (its last subscriber) and per catch-up of a held-back one',
      buckets: LATENCY_BUCKETS,
      registers: [],
    }),
  };
}

/** What a server's /metrics reads from. */
export interface MetricSources {
  hub: {
    counters(): HubCounters;
    readonly histograms: HubHistograms;
    unknownStatuses(): UnknownValue[];
  };
  health: () => HealthReport;
  /** undefined until the gateway listens (its counters read as 0). */
  gateway: () => GatewayCounters | undefined;
  /** The MongoDB watcher's health, when the server has one. */
  mongo?: () => WatcherHealth;
  /** The transcript store, when the server serves transcripts. */
  transcripts?: { counters(): TranscriptCounters };
}

/** Registers a server's own metrics (all but the process's) in its registry. */
export function registerServerMetrics(registry: Registry, sources: MetricSources): void {
  const stats = (): ServerStats => ({
    health: sources.health(),
    hub: sources.hub.counters(),
    gateway: sources.gateway() ?? NOT_LISTENING,
  });
  registerReadings(registry, READINGS, stats);
  const { mongo } = sources;
  if (mongo) registerReadings(registry, MONGO_READINGS, () => ({ ...stats(), mongo: mongo() }));
  const { transcripts } = sources;
  if (transcripts) registerReadings(registry, TRANSCRIPT_READINGS, () => transcripts.counters());
  new Counter({
    name: 'callboard_refused_requests_total',
    help: 'Requests refused because the token lacks the scope, per scope',
    labelNames: ['scope'],
    registers: [registry],
    collect() {
      this.reset();
      const refused = (sources.gateway() ?? NOT_LISTENING).refusedByScope;
      for (const scope of SCOPES) this.inc({ scope }, refused[scope]);
    },
  });
  new Counter({
    name: 'callboard_unknown_status_documents_total',
    help: 'Documents seen with a status no mapping knows, per value (at most 50 named per stream, the rest as "(other)")',
    labelNames: ['stream', 'value'],
    registers: [registry],
    collect() {
      this.reset();
      for (const u of sources.hub.unknownStatuses()) {
        this.inc({ stream: u.stream, value: u.value }, u.count);
      }
    },
  });
  registry.registerMetric(sources.hub.histograms.flushLag);
  registry.registerMetric(sources.hub.histograms.deliveryLatency);
}
