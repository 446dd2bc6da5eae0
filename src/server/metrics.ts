import type { GatewayCounters } from './gateway';
import type { HubCounters } from './hub-types';
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
  mongo?: WatcherHealth;
  /** Status values no mapping knows, seen since start (docs/operations.md, "Status mapping"). */
  unknownStatuses: UnknownValue[];
}

function line(name: string, help: string, type: 'counter' | 'gauge', value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
}

/** Prometheus text exposition (version 0.0.4) of the hub, gateway and watcher counters. */
export function formatMetrics(
  hub: HubCounters,
  gateway: GatewayCounters,
  health: HealthReport,
): string {
  const parts = [
    line(
      'callboard_up',
      '1 while healthy, 0 while degraded',
      'gauge',
      health.status === 'ok' ? 1 : 0,
    ),
    line('callboard_hub_events_in_total', 'Changes handed to the hub', 'counter', hub.eventsIn),
    line(
      'callboard_hub_events_dropped_total',
      'Changes dropped (stale or irrelevant)',
      'counter',
      hub.eventsDropped,
    ),
    line(
      'callboard_hub_batches_out_total',
      'Flushes that produced changes',
      'counter',
      hub.batchesOut,
    ),
    line('callboard_hub_entries_out_total', 'Sequence numbers produced', 'counter', hub.entriesOut),
    line(
      'callboard_hub_deliveries_total',
      'Events delivered to subscribers',
      'counter',
      hub.deliveries,
    ),
    line('callboard_hub_snapshots_total', 'Snapshots delivered', 'counter', hub.snapshotsSent),
    line(
      'callboard_hub_replays_total',
      'Replays delivered from the ring',
      'counter',
      hub.replaysSent,
    ),
    line(
      'callboard_hub_slow_consumer_holds_total',
      'Subscribers held back by backpressure',
      'counter',
      hub.slowConsumerHolds,
    ),
    line(
      'callboard_hub_slow_consumer_resyncs_total',
      'Held subscribers resynced with a snapshot',
      'counter',
      hub.slowConsumerResyncs,
    ),
    line(
      'callboard_hub_epoch_bumps_total',
      'New epochs (history lost, invalidate)',
      'counter',
      hub.epochBumps,
    ),
    line('callboard_hub_subscribers', 'Current stream subscriptions', 'gauge', hub.subscribers),
    line('callboard_hub_pending', 'Changes waiting for the next flush', 'gauge', hub.pending),
    line(
      'callboard_hub_flush_lag_ms',
      'Age of the oldest change at the last flush',
      'gauge',
      hub.lastFlushLagMs,
    ),
    line('callboard_hub_flush_lag_max_ms', 'Worst flush lag seen', 'gauge', hub.maxFlushLagMs),
    line(
      'callboard_hub_flush_window_ms',
      'Coalescing window after the last flush (its cost over the flush budget)',
      'gauge',
      hub.flushWindowMs,
    ),
    line('callboard_clients', 'Connected Socket.IO clients', 'gauge', gateway.connected),
    line(
      'callboard_connections_total',
      'Accepted connections',
      'counter',
      gateway.connectionsTotal,
    ),
    line(
      'callboard_rejected_unauthorized_total',
      'Connections refused for a missing or wrong token',
      'counter',
      gateway.rejectedUnauthorized,
    ),
    line(
      'callboard_rejected_origin_total',
      'Connections refused for a foreign origin',
      'counter',
      gateway.rejectedOrigin,
    ),
    line(
      'callboard_bad_requests_total',
      'Inbound messages refused as malformed',
      'counter',
      gateway.badRequests,
    ),
    line(
      'callboard_rate_limited_total',
      'Inbound messages dropped by the rate limit',
      'counter',
      gateway.rateLimited,
    ),
  ];
  if (health.mongo) {
    parts.push(
      line(
        'callboard_mongo_connected',
        '1 while MongoDB is reachable',
        'gauge',
        health.mongo.mongo === 'connected' ? 1 : 0,
      ),
      line(
        'callboard_change_events_total',
        'Change events received',
        'counter',
        health.mongo.changesIn,
      ),
      line(
        'callboard_change_stream_restarts_total',
        'Change stream restarts',
        'counter',
        health.mongo.restarts,
      ),
    );
  }
  return parts.join('');
}
