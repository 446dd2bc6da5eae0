import { performance } from 'node:perf_hooks';
import {
  ALL_STREAMS,
  type AnyStreamName,
  type SinceCursor,
  type StreamName,
} from '../shared/protocol/events';
import type {
  HubChange,
  HubCounters,
  HubEntry,
  HubEvent,
  HubListener,
  HubOptions,
  HubSubscribeOptions,
  HubSubscription,
  JsonDocument,
  RecentExit,
} from './hub-types';
import { createHubHistograms, type HubHistograms } from './metrics';
import { RecentKeys } from './recent-keys';
import { ReplayRing } from './replay-ring';
import { DEFAULT_LIFECYCLE, type LifecycleRules } from '../shared/domain/lifecycle';
import { createStreamRules, type AllStreamRules } from './stream-rules';
import { UnknownValues, type UnknownValue } from './unknown-values';
import { dateField } from '../shared/domain/field-values';

interface Subscriber {
  listener: HubListener;
  options: HubSubscribeOptions;
  /** Epoch and seq of the last event delivered. */
  epoch: string;
  seq: number;
  /** Held back: its buffer is full; catches up on drain. */
  held: boolean;
  /** While held: when the oldest change it has not been sent reached the hub (`now`). */
  behindSince?: number;
  disposeDrain?: () => void;
}

interface StreamState {
  docs: Map<string, JsonDocument>;
  idToKey: Map<string, string>;
  /** Keys that left the active set, each outcome sent once; bounded. */
  ended: RecentKeys;
  pending: Map<string, { doc: JsonDocument | null; at: number; exit?: RecentExit }>;
  seq: number;
  ring: ReplayRing<HubEntry>;
  subscribers: Set<Subscriber>;
  /** `recent` only: when each held call ended (its endTime / updatedAt, else when seen ended). */
  endedAt: Map<string, number>;
}

function defaultEpoch(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The authoritative state of active calls and campaigns, with an epoch, a per-stream seq and a
 * bounded replay ring. Changes are coalesced per key and flushed at once when idle; under load
 * the window adapts to what a flush costs (`flushBudget`), up to `flushIntervalMs`.
 * Subscribers are called synchronously; one whose socket is saturated is held back (memory
 * stays bounded: only its cursor is kept) and catches up from the ring on drain, or gets a
 * snapshot when the ring no longer covers it.
 */
export class Hub {
  private epochId: string;
  private readonly streams: Record<AnyStreamName, StreamState>;
  private readonly recentWindowMs: number;
  private readonly recentLimitValue: number;
  private recentSweep: ReturnType<typeof setInterval> | null = null;
  private readonly flushIntervalMs: number;
  private readonly flushBudget: number;
  private readonly monotonic: () => number;
  /** Earliest time (monotonic) the next flush may start. */
  private nextFlushAt = Number.NEGATIVE_INFINITY;
  private readonly endedMemory: number;
  private readonly now: () => number;
  private readonly newEpoch: () => string;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushImmediate: ReturnType<typeof setImmediate> | null = null;
  private closed = false;
  private readonly onListenerError: ((error: unknown) => void) | undefined;
  private readonly onUnknownStatus: HubOptions['onUnknownStatus'];
  private readonly unknown = new UnknownValues();
  /** How status values map to active/ended: clients in this process parse with it too. */
  readonly lifecycle: LifecycleRules;
  /** What is active and how documents are keyed (the shared lifecycle and field mapping). */
  readonly rules: AllStreamRules;
  private readonly stats = {
    eventsIn: 0,
    eventsDropped: 0,
    batchesOut: 0,
    entriesOut: 0,
    deliveries: 0,
    snapshotsSent: 0,
    replaysSent: 0,
    slowConsumerHolds: 0,
    slowConsumerResyncs: 0,
    epochBumps: 0,
    listenerErrors: 0,
    flushWindowMs: 0,
  };
  /** Flush lag and delivery latency (seconds); a server registers them for /metrics. */
  readonly histograms: HubHistograms = createHubHistograms();

  constructor(options: HubOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 16;
    this.flushBudget = options.flushBudget ?? 0.25;
    if (!(this.flushBudget > 0 && this.flushBudget <= 1))
      throw new RangeError(`flushBudget must be in (0, 1], got ${this.flushBudget}`);
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.endedMemory = options.endedMemory ?? 50_000;
    this.now = options.now ?? Date.now;
    this.newEpoch = options.newEpoch ?? defaultEpoch;
    this.onListenerError = options.onListenerError;
    this.onUnknownStatus = options.onUnknownStatus;
    this.lifecycle = options.lifecycle ?? DEFAULT_LIFECYCLE;
    this.rules = createStreamRules(this.lifecycle);
    this.epochId = this.newEpoch();
    const capacity = options.ringCapacity ?? 10_000;
    this.recentWindowMs = (options.recent?.windowMinutes ?? 60) * 60_000;
    this.recentLimitValue = options.recent?.limit ?? 2_000;
    if (
      !(this.recentWindowMs > 0) ||
      !Number.isSafeInteger(this.recentLimitValue) ||
      this.recentLimitValue < 1
    )
      throw new RangeError(
        `recent needs windowMinutes > 0 and an integer limit >= 1, got ${JSON.stringify(options.recent)}`,
      );
    const make = (): StreamState => ({
      docs: new Map(),
      idToKey: new Map(),
      ended: new RecentKeys(this.endedMemory),
      pending: new Map(),
      seq: 0,
      ring: new ReplayRing<HubEntry>(capacity),
      subscribers: new Set(),
      endedAt: new Map(),
    });
    this.streams = { calls: make(), campaigns: make(), recent: make() };
  }

  /** The most calls the `recent` window holds. */
  get recentLimit(): number {
    return this.recentLimitValue;
  }

  /** Calls that ended before this time (ms) are out of the `recent` window. */
  recentCutoff(): number {
    return this.now() - this.recentWindowMs;
  }

  get epoch(): string {
    return this.epochId;
  }

  seq(stream: AnyStreamName): number {
    return this.streams[stream].seq;
  }

  cursor(stream: AnyStreamName): SinceCursor {
    return { epoch: this.epochId, seq: this.streams[stream].seq };
  }

  /** The active documents as of the last flush, with the cursor they correspond to. */
  snapshot(stream: AnyStreamName): { epoch: string; seq: number; docs: JsonDocument[] } {
    const state = this.streams[stream];
    return { epoch: this.epochId, seq: state.seq, docs: [...state.docs.values()] };
  }

  /** Key of the held document whose `_id` is `id` (deletes carry only the `_id`). */
  keyForId(stream: AnyStreamName, id: string): string | undefined {
    return this.streams[stream].idToKey.get(id);
  }

  counters(): HubCounters {
    let subscribers = 0;
    let pending = 0;
    for (const name of ALL_STREAMS) {
      subscribers += this.streams[name].subscribers.size;
      pending += this.streams[name].pending.size;
    }
    return { ...this.stats, subscribers, pending };
  }

  /**
   * Hands changes to the hub; they reach subscribers at the next flush. A change of `calls`
   * reaches the `recent` window too; `recent` itself is ingested only to load it (the watcher's
   * query of the calls that ended within the window).
   */
  ingest(stream: AnyStreamName, changes: readonly HubChange[]): void {
    if (this.closed) return;
    const targets: AnyStreamName[] = stream === 'calls' ? ['calls', 'recent'] : [stream];
    const at = this.now();
    for (const change of changes) {
      this.stats.eventsIn += 1;
      let placed = false;
      for (const target of targets) {
        const state = this.streams[target];
        const key =
          (change.doc ? this.rulesOf(target).keyOf(change.doc) : null) ??
          change.key ??
          (change.id !== undefined ? state.idToKey.get(change.id) : undefined);
        if (key == null) continue;
        placed = true;
        const previous = state.pending.get(key);
        state.pending.set(key, { doc: change.doc, at: previous?.at ?? at });
      }
      if (!placed) this.stats.eventsDropped += 1;
    }
    this.scheduleFlush();
  }

  private rulesOf(stream: AnyStreamName) {
    return this.rules[stream === 'recent' ? 'calls' : stream];
  }

  /**
   * Replaces a stream's state wholesale (after history was lost or the stream invalidated) and
   * starts a new epoch: seqs restart at 0 on both streams, rings are cleared, and every
   * subscriber gets a snapshot marked `resync`.
   */
  reset(stream: StreamName, docs: readonly JsonDocument[], reason: string): void {
    if (this.closed) return;
    this.flush();
    const state = this.streams[stream];
    state.docs.clear();
    state.idToKey.clear();
    for (const doc of docs) {
      const key = this.rules[stream].keyOf(doc);
      if (key !== null && this.isActive(stream, doc)) this.hold(state, key, doc);
    }
    this.epochId = this.newEpoch();
    this.stats.epochBumps += 1;
    for (const name of ALL_STREAMS) {
      const s = this.streams[name];
      s.seq = 0;
      s.ring.clear();
      for (const sub of s.subscribers) {
        if (sub.held) continue; // gets the new epoch's snapshot when it drains
        this.deliverSnapshot(name, sub, `new epoch: ${reason}`);
      }
    }
  }

  /**
   * Loads an initial state without bumping the epoch (the watcher's first snapshot, or its
   * reconciliation): each document goes through the normal change path.
   */
  load(stream: AnyStreamName, docs: readonly JsonDocument[]): void {
    this.ingest(
      stream,
      docs.map((doc) => ({ doc })),
    );
    this.flush();
  }

  subscribe(
    stream: AnyStreamName,
    options: HubSubscribeOptions,
    listener: HubListener,
  ): HubSubscription {
    const state = this.streams[stream];
    const sub: Subscriber = { listener, options, epoch: this.epochId, seq: 0, held: false };
    let mode: 'replay' | 'snapshot' = 'snapshot';
    const since = options.since;
    const replay =
      since && since.epoch === this.epochId ? state.ring.after(since.seq, state.seq) : null;
    if (replay) {
      mode = 'replay';
      sub.seq = since!.seq;
      if (replay.length > 0) this.deliverChanges(stream, sub, replay, true);
    } else {
      this.deliverSnapshot(stream, sub);
    }
    state.subscribers.add(sub);
    const unsubscribe = () => {
      sub.disposeDrain?.();
      state.subscribers.delete(sub);
    };
    return Object.assign(unsubscribe, { mode, epoch: this.epochId, seq: state.seq });
  }

  /** Applies pending changes now (also called by the flush timer). */
  flush(): void {
    this.clearTimers();
    const started = this.monotonic();
    const now = this.now();
    let oldest: number | null = null;
    for (const name of ALL_STREAMS) {
      const at = this.flushStream(name);
      if (at !== null) oldest = Math.min(oldest ?? at, at);
    }
    // Once per flush: a call's change waits in `calls` and `recent` alike.
    if (oldest !== null) this.histograms.flushLag.observe((now - oldest) / 1000);
    const window = Math.min(this.flushIntervalMs, (this.monotonic() - started) / this.flushBudget);
    this.stats.flushWindowMs = window;
    this.nextFlushAt = started + window;
  }

  /** Stops timers and drops subscribers; the hub accepts nothing after. */
  close(): void {
    this.closed = true;
    this.clearTimers();
    if (this.recentSweep) clearInterval(this.recentSweep);
    this.recentSweep = null;
    for (const name of ALL_STREAMS) {
      for (const sub of this.streams[name].subscribers) sub.disposeDrain?.();
      this.streams[name].subscribers.clear();
      this.streams[name].pending.clear();
    }
  }

  private clearTimers(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushTimer = null;
    this.flushImmediate = null;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.flushImmediate || this.closed) return;
    const wait = this.nextFlushAt - this.monotonic();
    if (wait <= 0) {
      // Idle: flush once the current burst of synchronous ingests is done.
      this.flushImmediate = setImmediate(() => this.flush());
    } else {
      this.flushTimer = setTimeout(() => this.flush(), wait);
    }
  }

  private hold(state: StreamState, key: string, doc: JsonDocument): void {
    state.docs.set(key, doc);
    if (typeof doc._id === 'string') state.idToKey.set(doc._id, key);
  }

  private release(state: StreamState, key: string): void {
    const doc = state.docs.get(key);
    if (doc && typeof doc._id === 'string') state.idToKey.delete(doc._id);
    state.docs.delete(key);
    state.endedAt.delete(key);
  }

  /** Whether the rules call `doc` active; an unknown status is active and counted. */
  private isActive(stream: StreamName, doc: JsonDocument): boolean {
    const lifecycle = this.rules[stream].lifecycleOf(doc);
    if (!lifecycle.known) {
      const value = lifecycle.status === '' ? '(none)' : lifecycle.status;
      if (this.unknown.note(stream, value)) this.onUnknownStatus?.(stream, value);
    }
    return lifecycle.phase === 'active';
  }

  /** The status values no mapping knows, seen since start (bounded; /healthz, /metrics). */
  unknownStatuses(): UnknownValue[] {
    return this.unknown.list();
  }

  /** Decides what one coalesced change means for its stream; null: nothing to send. */
  private apply(stream: AnyStreamName, key: string, doc: JsonDocument | null): HubEntry | null {
    if (stream === 'recent') return this.applyRecent(key, doc);
    const state = this.streams[stream];
    const held = state.docs.has(key);
    if (doc === null) {
      if (!held) return null;
      this.release(state, key);
      return { seq: 0, key, doc: null };
    }
    if (this.isActive(stream, doc)) {
      // Active in MongoDB is active here, even after it ended (a writer that stored a late
      // status callback): a restart's snapshot would show it too, so the stream does.
      state.ended.delete(key);
      this.hold(state, key, doc);
      return { seq: 0, key, doc };
    }
    if (held) {
      this.release(state, key);
      state.ended.add(key);
      return { seq: 0, key, doc };
    }
    // Ended before we saw it active (or a late update of an ended one): send it once.
    if (state.ended.has(key)) return null;
    state.ended.add(key);
    return { seq: 0, key, doc };
  }

  /**
   * The `recent` window: an ended call is held (and its later updates sent) until it is older
   * than the window or pushed out by the limit (oldest first seen first); a call active again
   * leaves it, as does a deleted one.
   */
  private applyRecent(key: string, doc: JsonDocument | null): HubEntry | null {
    const state = this.streams.recent;
    const held = state.docs.has(key);
    if (doc === null) {
      if (!held) return null;
      this.release(state, key);
      return { seq: 0, key, doc: null };
    }
    if (this.rules.calls.lifecycleOf(doc).phase === 'active') {
      if (!held) return null;
      this.release(state, key);
      return { seq: 0, key, doc: null, exit: 'active' };
    }
    const now = this.now();
    const endedAt = state.endedAt.get(key) ?? this.endTimeOf(doc, now);
    if (now - endedAt >= this.recentWindowMs) {
      if (!held) return null;
      this.release(state, key);
      return { seq: 0, key, doc: null, exit: 'expired' };
    }
    this.hold(state, key, doc);
    state.endedAt.set(key, endedAt);
    this.startRecentSweep();
    return { seq: 0, key, doc };
  }

  /** When an ended call ended: its endTime or updatedAt when they say (not in the future), else now. */
  private endTimeOf(doc: JsonDocument, now: number): number {
    for (const field of ['endTime', 'updatedAt'] as const) {
      const parsed = dateField.safeParse(doc[field]);
      const ms = parsed.success && typeof parsed.data === 'string' ? Date.parse(parsed.data) : NaN;
      if (Number.isFinite(ms) && ms <= now) return ms;
    }
    return now;
  }

  /** Queues the exits of the calls that ended longer than the window ago. */
  private expireRecent(): void {
    const state = this.streams.recent;
    const now = this.now();
    for (const [key, endedAt] of state.endedAt) {
      if (now - endedAt < this.recentWindowMs || state.pending.get(key)?.exit) continue;
      state.pending.set(key, { doc: null, at: now, exit: 'expired' });
    }
  }

  /** The calls past the limit, those that ended first first. */
  private overRecentLimit(): string[] {
    const state = this.streams.recent;
    const over = state.docs.size - this.recentLimit;
    if (over <= 0) return [];
    if (over === 1) {
      // The steady state at the limit: each new end pushes one out; one pass finds it.
      let oldest: [string, number] | null = null;
      for (const entry of state.endedAt) if (!oldest || entry[1] < oldest[1]) oldest = entry;
      return [oldest![0]];
    }
    return [...state.endedAt]
      .sort((a, b) => a[1] - b[1])
      .slice(0, over)
      .map(([key]) => key);
  }

  private startRecentSweep(): void {
    if (this.recentSweep || this.closed) return;
    // A minute's resolution on an hour's window; unref'd: it never keeps a process alive.
    const every = Math.min(60_000, this.recentWindowMs / 10);
    this.recentSweep = setInterval(() => {
      this.expireRecent();
      if (this.streams.recent.pending.size > 0) this.scheduleFlush();
    }, every);
    this.recentSweep.unref?.();
  }

  /** Sends a stream's pending changes; returns when the oldest of them arrived, or null. */
  private flushStream(stream: AnyStreamName): number | null {
    const state = this.streams[stream];
    if (state.pending.size === 0) return null;
    const now = this.now();
    let oldest = now;
    const entries: HubEntry[] = [];
    for (const [key, change] of state.pending) {
      oldest = Math.min(oldest, change.at);
      const entry = change.exit
        ? this.exitRecent(key, change.exit)
        : this.apply(stream, key, change.doc);
      if (!entry) {
        this.stats.eventsDropped += 1;
        continue;
      }
      state.seq += 1;
      entry.seq = state.seq;
      state.ring.push(entry);
      entries.push(entry);
    }
    state.pending.clear();
    if (stream === 'recent') {
      for (const key of this.overRecentLimit()) {
        const entry = this.exitRecent(key, 'expired')!;
        state.seq += 1;
        entry.seq = state.seq;
        state.ring.push(entry);
        entries.push(entry);
      }
    }
    if (entries.length === 0) return oldest;
    this.stats.batchesOut += 1;
    this.stats.entriesOut += entries.length;
    // One event object for every subscriber of this flush, so a gateway can encode it once
    // per client mode (HubEvent documentation).
    const event: HubEvent = {
      type: 'changes',
      stream,
      epoch: this.epochId,
      fromSeq: entries[0]!.seq,
      seq: state.seq,
      entries,
      replay: false,
    };
    let sent = false;
    for (const sub of state.subscribers) {
      if (sub.held) continue;
      if (sub.options.backpressure?.isSaturated()) {
        this.holdBack(stream, sub, oldest);
        continue;
      }
      sub.seq = state.seq;
      this.send(sub, event);
      sent = true;
    }
    // Once per flush, when the last live subscriber has it (its worst case): once per
    // subscriber would cost a fifth of a microsecond each in the flush budget.
    if (sent) this.observeDelivery(oldest);
    return oldest;
  }

  /** A queued exit from `recent`, unless the call already left. */
  private exitRecent(key: string, exit: RecentExit): HubEntry | null {
    const state = this.streams.recent;
    if (!state.docs.has(key)) return null;
    this.release(state, key);
    return { seq: 0, key, doc: null, exit };
  }

  private holdBack(stream: AnyStreamName, sub: Subscriber, oldestUnsent: number): void {
    sub.held = true;
    sub.behindSince = oldestUnsent;
    this.stats.slowConsumerHolds += 1;
    sub.disposeDrain = sub.options.backpressure!.onDrain(() => {
      sub.disposeDrain = undefined;
      sub.held = false;
      if (!this.streams[stream].subscribers.has(sub) || this.closed) return;
      this.catchUp(stream, sub);
    });
  }

  private catchUp(stream: AnyStreamName, sub: Subscriber): void {
    const state = this.streams[stream];
    const behindSince = sub.behindSince;
    sub.behindSince = undefined;
    if (sub.epoch !== this.epochId) {
      this.deliverSnapshot(stream, sub, 'new epoch while the client was behind');
    } else {
      const missed = state.ring.after(sub.seq, state.seq);
      if (missed === null) {
        this.stats.slowConsumerResyncs += 1;
        this.deliverSnapshot(stream, sub, 'slow consumer: fell behind the replay buffer');
      } else if (missed.length > 0) {
        this.deliverChanges(stream, sub, missed, true);
      } else {
        return;
      }
    }
    if (behindSince !== undefined) this.observeDelivery(behindSince);
  }

  /** Subscribers now have changes the oldest of which reached the hub at `since` (`now`). */
  private observeDelivery(since: number): void {
    this.histograms.deliveryLatency.observe((this.now() - since) / 1000);
  }

  private deliverSnapshot(stream: AnyStreamName, sub: Subscriber, resync?: string): void {
    const snap = this.snapshot(stream);
    sub.epoch = snap.epoch;
    sub.seq = snap.seq;
    this.stats.snapshotsSent += 1;
    this.send(sub, { type: 'snapshot', stream, ...snap, ...(resync ? { resync } : {}) });
  }

  private deliverChanges(
    stream: AnyStreamName,
    sub: Subscriber,
    entries: HubEntry[],
    replay: boolean,
  ): void {
    const fromSeq = entries[0]!.seq;
    const seq = entries[entries.length - 1]!.seq;
    sub.seq = seq;
    if (replay) this.stats.replaysSent += 1;
    this.send(sub, { type: 'changes', stream, epoch: this.epochId, fromSeq, seq, entries, replay });
  }

  private send(sub: Subscriber, event: HubEvent): void {
    this.stats.deliveries += 1;
    try {
      sub.listener(event);
    } catch (error) {
      // One broken subscriber must not stop the others.
      this.stats.listenerErrors += 1;
      this.onListenerError?.(error);
    }
  }
}
