import type { LifecycleRules } from '../shared/domain/lifecycle';
import type { AnyStreamName, SinceCursor, StreamName } from '../shared/protocol/events';
import type { JsonDocument } from './json-safe';

export type { JsonDocument };

/** One change of one key, as the watcher hands it to the hub. */
export interface HubChange {
  /** The key (callSid / campaignId). Required unless `id` is given with `doc: null`. */
  key?: string;
  /** The document's `_id` as a string: how a delete (which has no document) finds its key. */
  id?: string;
  /** The new state, JSON-safe; null when the document was deleted. */
  doc: JsonDocument | null;
}

/** Why a key left the `recent` window (a deleted document leaves with no reason). */
export type RecentExit = 'expired' | 'active';

/** One change of one key after a flush, with its place in the stream's history. */
export interface HubEntry {
  seq: number;
  key: string;
  /** The document (active or just ended; in `recent`, ended); null: it left. */
  doc: JsonDocument | null;
  /** `recent` only, with `doc: null`: past the window or the limit, or active again. */
  exit?: RecentExit;
}

export type HubEvent =
  | {
      type: 'snapshot';
      stream: AnyStreamName;
      epoch: string;
      seq: number;
      docs: JsonDocument[];
      /** Set when the subscriber's history was dropped (new epoch, slow consumer): resync. */
      resync?: string;
    }
  | {
      type: 'changes';
      stream: AnyStreamName;
      epoch: string;
      /** The entries cover fromSeq..seq with no hole; ordered by seq. */
      fromSeq: number;
      seq: number;
      entries: HubEntry[];
      /** true when these come from the replay ring (reconnect or slow-consumer catch-up). */
      replay: boolean;
    };

/**
 * Called synchronously. The live changes of one flush are the same (frozen by convention)
 * object for every subscriber: treat events as read-only, and cache per event if useful.
 */
export type HubListener = (event: HubEvent) => void;

/** Lets the hub hold back a subscriber whose socket is not keeping up. */
export interface SubscriberBackpressure {
  /** true while the subscriber's outgoing buffer is over its limit. */
  isSaturated(): boolean;
  /** Called once when the buffer has drained; returns a disposer. */
  onDrain(listener: () => void): () => void;
}

export interface HubSubscribeOptions {
  /** Replay from here when the ring still holds it and the epoch matches; else a snapshot. */
  since?: SinceCursor;
  backpressure?: SubscriberBackpressure;
}

export type Unsubscribe = () => void;

/** What `subscribe` returns: the disposer, plus how the subscriber was brought up to date. */
export type HubSubscription = Unsubscribe & {
  mode: 'replay' | 'snapshot';
  epoch: string;
  seq: number;
};

export interface HubCounters {
  /** Changes handed to the hub. */
  eventsIn: number;
  /** Changes dropped as stale (a terminal call seen active again) or irrelevant. */
  eventsDropped: number;
  /** Flushes that produced at least one entry. */
  batchesOut: number;
  /** Entries (seqs) produced. */
  entriesOut: number;
  /** Events delivered to subscribers (snapshots + change sets). */
  deliveries: number;
  snapshotsSent: number;
  replaysSent: number;
  /** Subscribers held back because their buffer was full. */
  slowConsumerHolds: number;
  /** Held-back subscribers who fell out of the ring and got a snapshot. */
  slowConsumerResyncs: number;
  epochBumps: number;
  /** Subscriber callbacks that threw (the others were still served). */
  listenerErrors: number;
  subscribers: number;
  /** Changes waiting for the next flush. */
  pending: number;
  /* Flush lag and delivery latency are distributions: `Hub.histograms`. */
  /** The coalescing window chosen after the last flush (ms): its cost over the budget, capped. */
  flushWindowMs: number;
}

export interface HubOptions {
  /**
   * The longest coalescing window under load (ms); an idle hub flushes at once. Default 16.
   * Below it the window adapts: after a flush that took `d` ms the next one may start
   * `d / flushBudget` ms after it began, so a cheap flush (few clients, few changes) goes out
   * almost at once and an expensive one is amortised over more changes.
   */
  flushIntervalMs?: number;
  /** Share of the event loop that flushing may take under load, in (0, 1]. Default 0.25. */
  flushBudget?: number;
  /** Monotonic clock (ms) that paces and times flushes; default `performance.now`. */
  monotonic?: () => number;
  /** Entries kept per stream for `since` replay. Default 10 000. */
  ringCapacity?: number;
  /** Keys of recently ended calls remembered, so each outcome is sent once. Default 50 000. */
  endedMemory?: number;
  /** The `recent` stream: ended calls of the last `windowMinutes` (default 60), at most `limit` (default 2,000). */
  recent?: { windowMinutes?: number; limit?: number };
  now?: () => number;
  /** Creates epoch ids; default: time + random. */
  newEpoch?: () => string;
  /** A subscriber's listener threw; the hub went on with the others. */
  onListenerError?: (error: unknown) => void;
  /** How status values map to active/ended (defaults plus an admin's overrides). */
  lifecycle?: LifecycleRules;
  /** Called the first time each status value no mapping knows is seen (to log it once). */
  onUnknownStatus?: (stream: StreamName, value: string) => void;
}
