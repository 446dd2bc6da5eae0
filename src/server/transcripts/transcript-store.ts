import { backoffDelay, type BackoffOptions } from '../../shared/backoff';
import {
  DEFAULT_TRANSCRIPT_FIELDS,
  readField,
  type FieldPaths,
} from '../../shared/domain/field-mapping';
import {
  compareTurns,
  parseTurnDocument,
  POST_CALL_ID_PREFIX,
  postCallTurns,
  sameTurnContent,
  type TurnContent,
} from '../../shared/domain/transcript-turn';
import type { Logger } from '../../shared/log';
import type {
  TranscriptSnapshotPayload,
  TranscriptSource,
  TranscriptTurn,
  TranscriptTurnsPayload,
} from '../../shared/protocol/transcript';
import type { SinceCursor } from '../../shared/protocol/events';
import type { HubChange, JsonDocument } from '../hub-types';
import { RecentKeys } from '../recent-keys';

/**
 * Live transcripts (docs/protocol.md, "Transcripts"; docs/architecture.md, "Transcripts"):
 * the turns of the calls someone watches, and nothing else. A call is read from MongoDB when
 * its first watcher arrives (TranscriptReader, by the `{ <call key>: 1, timeInCallSecs: 1 }`
 * index), then kept current from the transcripts change stream (`ingest`), and forgotten
 * `lingerMs` after its last watcher left (so a client that reconnects within that window
 * gets a replay). Each held call has its own epoch and seq: every added, corrected or removed
 * turn bumps the seq, and a turn carries the seq of its last change.
 */

/** What the store reads from MongoDB (src/server/transcripts/transcript-source.ts). */
export interface TranscriptReader {
  /** The call's newest `limit` turn documents by time in the call, and how many it has. */
  readTurns(callSid: string, limit: number): Promise<{ docs: JsonDocument[]; total: number }>;
  /** The call's own document (its post-call `transcript[]`), or null. */
  readCall(callSid: string): Promise<JsonDocument | null>;
}

export type TranscriptMessage =
  | { event: 'transcript_snapshot'; payload: TranscriptSnapshotPayload }
  | { event: 'transcript_turns'; payload: TranscriptTurnsPayload };

/** Called synchronously, in seq order; a message is shared by every listener (read-only). */
export type TranscriptListener = (message: TranscriptMessage) => void;

/** How a subscriber is brought up to date: what `catchUp` sends first. */
export interface TranscriptCatchUp {
  mode: 'replay' | 'snapshot';
  epoch: string;
  seq: number;
  /** null: a replay with nothing missed. */
  message: TranscriptMessage | null;
}

/** The in-process API's handle: call it to unsubscribe (idempotent). */
export type TranscriptSubscription = (() => void) & {
  callSid: string;
  mode: 'replay' | 'snapshot';
  epoch: string;
  seq: number;
};

/** One gateway room (a call opened by one or more sockets): live messages for all of them. */
export interface TranscriptRoom {
  /** What one joining socket needs first (synchronous: join the room in the same tick). */
  catchUp(since: SinceCursor | undefined): TranscriptCatchUp;
  close(): void;
}

export interface TranscriptCounters {
  /** Open subscriptions: in-process ones plus every socket in a gateway room. */
  subscriptions: number;
  /** Turns handed to subscribers (a room's broadcast counts once per socket in it). */
  turnsDelivered: number;
  callsHeld: number;
  turnsHeld: number;
  /** Turn documents (or post-call entries) that could not be read. */
  badTurns: number;
  /** Calls read from MongoDB (first watcher, or a resync). */
  loads: number;
}

export interface TranscriptStoreOptions {
  reader: TranscriptReader;
  logger: Logger;
  /** Whether a call document is ended (its post-call `transcript[]` is served only then). */
  isCallEnded: (doc: JsonDocument) => boolean;
  /** Turns kept per call; older ones are left out and counted in `truncated`. Default 500. */
  maxTurnsPerCall?: number;
  /** How long a call is kept after its last watcher left, for replay (ms). Default 30 000. */
  lingerMs?: number;
  /** Calls kept without a watcher at most (the oldest goes first). Default 200. */
  maxLingering?: number;
  /** Removals remembered per call for replay; older ones force a snapshot. Default 256. */
  maxRemovalsKept?: number;
  fields?: FieldPaths;
  now?: () => number;
  newEpoch?: () => string;
  /** Retry delays of a resync's read that failed. */
  backoff?: BackoffOptions;
  random?: () => number;
}

interface Listener {
  deliver: TranscriptListener;
  /** How many subscribers this listener stands for (a room: its sockets). */
  audience: () => number;
}

interface HeldCall {
  callSid: string;
  epoch: string;
  seq: number;
  source: TranscriptSource;
  truncated: number;
  turns: Map<string, TranscriptTurn>;
  removals: { id: string; seq: number }[];
  /** The newest seq of a change no longer held (left out, or a forgotten removal). */
  lostSeq: number;
  leftOut: RecentKeys;
  listeners: Set<Listener>;
  refs: number;
  /** Resolved once the call's turns are read; changes meanwhile wait in `buffer`. */
  ready: Promise<void>;
  loaded: boolean;
  buffer: HubChange[];
  lingerTimer?: ReturnType<typeof setTimeout>;
  retryTimer?: ReturnType<typeof setTimeout>;
}

const defaultEpoch = () => `t${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export class TranscriptStore {
  private readonly calls = new Map<string, HeldCall>();
  /** Turn `_id` -> call, for the held turns (a delete carries only the `_id`). */
  private readonly idToCall = new Map<string, string>();
  /** Bad documents already logged (each once). */
  private readonly loggedBad = new RecentKeys(1000);
  private readonly o: Required<Omit<TranscriptStoreOptions, 'fields'>> & { fields?: FieldPaths };
  private closed = false;
  private readonly stats = { turnsDelivered: 0, badTurns: 0, loads: 0 };

  constructor(options: TranscriptStoreOptions) {
    this.o = {
      maxTurnsPerCall: 500,
      lingerMs: 30_000,
      maxLingering: 200,
      maxRemovalsKept: 256,
      now: Date.now,
      newEpoch: defaultEpoch,
      backoff: { baseMs: 500, capMs: 30_000, minMs: 100 },
      random: Math.random,
      ...options,
    };
    if (!Number.isSafeInteger(this.o.maxTurnsPerCall) || this.o.maxTurnsPerCall < 1) {
      throw new RangeError(
        `maxTurnsPerCall must be an integer >= 1, got ${this.o.maxTurnsPerCall}`,
      );
    }
  }

  /**
   * The in-process API (embedded desktop mode): opens `callSid`'s transcript. The listener
   * gets, synchronously before the promise resolves, a `transcript_snapshot` (or, when
   * `since` is of this call's current epoch and still covered, the `transcript_turns` it
   * missed, or nothing if it missed nothing), then every change as it happens. Rejects when
   * the call cannot be read from MongoDB. The payloads are those of the Socket.IO events.
   */
  async subscribe(
    callSid: string,
    since: SinceCursor | undefined,
    listener: TranscriptListener,
  ): Promise<TranscriptSubscription> {
    const call = await this.acquire(callSid);
    const first = this.catchUpCall(call, since, 1);
    if (first.message) this.deliver(listener, first.message);
    const entry: Listener = { deliver: listener, audience: () => 1 };
    call.listeners.add(entry);
    let open = true;
    const unsubscribe = () => {
      if (!open) return;
      open = false;
      call.listeners.delete(entry);
      this.release(call);
    };
    return Object.assign(unsubscribe, {
      callSid,
      mode: first.mode,
      epoch: first.epoch,
      seq: first.seq,
    });
  }

  /**
   * For the Socket.IO gateway: one listener per open call, broadcasting to a room of
   * `audience()` sockets; each joining socket takes its `catchUp` first.
   */
  async openRoom(
    callSid: string,
    broadcast: TranscriptListener,
    audience: () => number,
  ): Promise<TranscriptRoom> {
    const call = await this.acquire(callSid);
    const entry: Listener = { deliver: broadcast, audience };
    call.listeners.add(entry);
    let open = true;
    return {
      catchUp: (since) => this.catchUpCall(call, since, 1),
      close: () => {
        if (!open) return;
        open = false;
        call.listeners.delete(entry);
        this.release(call);
      },
    };
  }

  /** A change of the transcripts collection (the change stream's, JSON-safe). */
  ingest(change: HubChange): void {
    if (this.closed) return;
    for (const call of this.calls.values()) {
      // Still reading: applied once the read is in (applying twice changes nothing).
      if (!call.loaded) call.buffer.push(change);
    }
    this.apply(change);
  }

  /**
   * The change stream lost its history (286) or was invalidated: every held call is read
   * again, gets a new epoch, and its watchers a fresh snapshot.
   */
  resync(reason: string): void {
    for (const call of this.calls.values()) {
      if (call.loaded) void this.reload(call, reason, 0);
    }
  }

  /** A call document changed (the calls stream): an ended call's post-call transcript lands. */
  noteCallDocument(callSid: string, doc: JsonDocument): void {
    const call = this.calls.get(callSid);
    if (!call?.loaded || call.source !== 'none' || !this.o.isCallEnded(doc)) return;
    const post = this.postCall(doc);
    if (!post || post.turns.length === 0) return;
    const fromSeq = call.seq + 1;
    call.source = 'post-call';
    const turns = post.turns.map((t) => this.hold(call, t));
    const kept = this.enforceCap(call);
    this.broadcast(
      call,
      fromSeq,
      turns.filter((t) => kept.has(t.id)),
      [],
    );
  }

  counters(): TranscriptCounters {
    let turnsHeld = 0;
    let roomSockets = 0;
    for (const call of this.calls.values()) {
      turnsHeld += call.turns.size;
      for (const l of call.listeners) roomSockets += l.audience();
    }
    // In-process listeners have an audience of 1 and are counted in roomSockets too.
    return {
      subscriptions: roomSockets,
      turnsDelivered: this.stats.turnsDelivered,
      callsHeld: this.calls.size,
      turnsHeld,
      badTurns: this.stats.badTurns,
      loads: this.stats.loads,
    };
  }

  /** Stops timers and forgets everything; subscribing after fails. */
  close(): void {
    this.closed = true;
    for (const call of this.calls.values()) this.clearTimers(call);
    this.calls.clear();
    this.idToCall.clear();
  }

  // ---- holding calls ---------------------------------------------------------------------

  private async acquire(callSid: string): Promise<HeldCall> {
    if (this.closed) throw new Error('the transcript store is closed');
    let call = this.calls.get(callSid);
    if (!call) {
      call = {
        callSid,
        epoch: this.o.newEpoch(),
        seq: 0,
        source: 'none',
        truncated: 0,
        turns: new Map(),
        removals: [],
        lostSeq: 0,
        leftOut: new RecentKeys(10_000),
        listeners: new Set(),
        refs: 0,
        ready: Promise.resolve(),
        loaded: false,
        buffer: [],
      };
      const held = call;
      this.calls.set(callSid, held);
      held.ready = this.load(held).catch((error: unknown) => {
        // Nothing held: the next subscriber reads again.
        if (this.calls.get(callSid) === held) this.forget(held);
        throw error;
      });
    }
    if (call.lingerTimer) {
      clearTimeout(call.lingerTimer);
      call.lingerTimer = undefined;
    }
    call.refs += 1;
    try {
      await call.ready;
    } catch (error) {
      call.refs -= 1;
      throw new Error(
        `could not read the transcript of ${callSid}: ${(error as Error).message ?? String(error)}`,
        { cause: error },
      );
    }
    if (this.closed || this.calls.get(callSid) !== call) {
      throw new Error('the transcript store is closed');
    }
    return call;
  }

  private release(call: HeldCall): void {
    call.refs -= 1;
    if (call.refs > 0 || this.calls.get(call.callSid) !== call) return;
    if (this.o.lingerMs <= 0) return this.forget(call);
    call.lingerTimer = setTimeout(() => this.forget(call), this.o.lingerMs);
    const lingering = [...this.calls.values()].filter((c) => c.refs === 0);
    for (const old of lingering.slice(0, Math.max(0, lingering.length - this.o.maxLingering))) {
      this.forget(old);
    }
  }

  private forget(call: HeldCall): void {
    this.clearTimers(call);
    if (this.calls.get(call.callSid) !== call) return;
    this.calls.delete(call.callSid);
    for (const id of call.turns.keys()) {
      if (this.idToCall.get(id) === call.callSid) this.idToCall.delete(id);
    }
  }

  private clearTimers(call: HeldCall): void {
    if (call.lingerTimer) clearTimeout(call.lingerTimer);
    if (call.retryTimer) clearTimeout(call.retryTimer);
    call.lingerTimer = undefined;
    call.retryTimer = undefined;
  }

  /** Reads the call from MongoDB into `call` (fresh), then applies what came meanwhile. */
  private async load(call: HeldCall): Promise<void> {
    this.stats.loads += 1;
    const max = this.o.maxTurnsPerCall;
    const { docs, total } = await this.o.reader.readTurns(call.callSid, max);
    const turns: TurnContent[] = [];
    for (const doc of docs) {
      const parsed = parseTurnDocument(doc, this.o.fields);
      if (!parsed.ok) this.noteBad(doc, parsed.error);
      else if (parsed.value.callSid === call.callSid) turns.push(parsed.value.turn);
    }
    let source: TranscriptSource = turns.length > 0 ? 'live' : 'none';
    let truncated = Math.max(0, total - docs.length);
    if (total === 0) {
      const doc = await this.o.reader.readCall(call.callSid);
      const post = doc && this.o.isCallEnded(doc) ? this.postCall(doc) : null;
      if (post && post.turns.length > 0) {
        source = 'post-call';
        truncated = Math.max(0, post.turns.length - max);
        turns.push(...post.turns.slice(-max));
      }
    }
    if (this.closed || this.calls.get(call.callSid) !== call) return;
    for (const id of call.turns.keys()) this.idToCall.delete(id);
    call.turns.clear();
    call.removals = [];
    call.seq = 0;
    call.lostSeq = 0;
    call.source = source;
    call.truncated = truncated;
    for (const turn of turns.sort(compareTurns)) this.hold(call, turn);
    call.loaded = true;
    const buffered = call.buffer.splice(0);
    for (const change of buffered) this.apply(change, call.callSid);
  }

  private async reload(call: HeldCall, reason: string, attempt: number): Promise<void> {
    call.loaded = false;
    call.buffer = [];
    call.ready = this.load(call);
    try {
      await call.ready;
    } catch (error) {
      if (this.closed || this.calls.get(call.callSid) !== call) return;
      this.o.logger.warn('could not read a transcript again after a resync; retrying', {
        callSid: call.callSid,
        error: (error as Error).message,
      });
      call.retryTimer = setTimeout(
        () => void this.reload(call, reason, attempt + 1),
        backoffDelay(attempt + 1, this.o.random, this.o.backoff),
      );
      return;
    }
    if (this.closed || this.calls.get(call.callSid) !== call) return;
    call.epoch = this.o.newEpoch();
    const message = this.snapshotMessage(call);
    for (const l of call.listeners) this.deliverTo(l, message);
    this.o.logger.info('transcript resynced', { callSid: call.callSid, reason });
  }

  // ---- changes ---------------------------------------------------------------------------

  /** `only`: apply only to this call (a load's buffered changes). */
  private apply(change: HubChange, only?: string): void {
    if (change.doc === null) {
      const callSid = change.id !== undefined ? this.idToCall.get(change.id) : undefined;
      const call = callSid !== undefined ? this.calls.get(callSid) : undefined;
      if (call?.loaded && (only === undefined || only === callSid)) this.remove(call, change.id!);
      return;
    }
    const parsed = parseTurnDocument(change.doc, this.o.fields);
    const id = typeof change.doc._id === 'string' ? change.doc._id : undefined;
    const heldIn = id !== undefined ? this.idToCall.get(id) : undefined;
    const newCall = parsed.ok ? parsed.value.callSid : undefined;
    if (heldIn !== undefined && heldIn !== newCall && (only === undefined || only === heldIn)) {
      // Moved to another call, or no longer readable: it is not this call's turn any more.
      const old = this.calls.get(heldIn);
      if (old?.loaded) this.remove(old, id!);
    }
    if (!parsed.ok) {
      const call = heldIn !== undefined ? this.calls.get(heldIn) : undefined;
      // Only documents of watched calls are read at all; others cost nothing.
      if (call || this.isWatchedKey(change.doc)) this.noteBad(change.doc, parsed.error);
      return;
    }
    const { callSid, turn } = parsed.value;
    if (only !== undefined && only !== callSid) return;
    const call = this.calls.get(callSid);
    if (call?.loaded) this.upsert(call, turn);
  }

  /** A bad document that names a held call (so it is one somebody is looking at). */
  private isWatchedKey(doc: JsonDocument): boolean {
    const key = readField(doc, (this.o.fields ?? DEFAULT_TRANSCRIPT_FIELDS).callSid ?? []);
    return typeof key === 'string' && this.calls.has(key.trim());
  }

  private upsert(call: HeldCall, content: TurnContent): void {
    const previous = call.turns.get(content.id);
    if (previous && sameTurnContent(previous, content)) return;
    const fromSeq = call.seq + 1;
    const removed: string[] = [];
    if (call.source === 'post-call') {
      // Live turn documents exist after all: they replace the post-call copy.
      for (const id of [...call.turns.keys()]) {
        if (id.startsWith(POST_CALL_ID_PREFIX)) {
          this.drop(call, id);
          removed.push(id);
        }
      }
    }
    call.source = 'live';
    const turn = this.hold(call, content);
    const kept = this.enforceCap(call);
    this.broadcast(call, fromSeq, kept.has(turn.id) ? [turn] : [], removed);
  }

  private remove(call: HeldCall, id: string): void {
    if (!call.turns.has(id)) return;
    const fromSeq = call.seq + 1;
    this.drop(call, id);
    this.broadcast(call, fromSeq, [], [id]);
  }

  private hold(call: HeldCall, content: TurnContent): TranscriptTurn {
    call.seq += 1;
    const turn: TranscriptTurn = { ...content, seq: call.seq };
    call.turns.set(turn.id, turn);
    // Post-call ids repeat from call to call, and no change names them: not looked up.
    if (!turn.id.startsWith(POST_CALL_ID_PREFIX)) this.idToCall.set(turn.id, call.callSid);
    return turn;
  }

  /** Removes a turn as a change (its own seq), remembered for replay. */
  private drop(call: HeldCall, id: string): void {
    call.turns.delete(id);
    if (this.idToCall.get(id) === call.callSid) this.idToCall.delete(id);
    call.seq += 1;
    call.removals.push({ id, seq: call.seq });
    if (call.removals.length > this.o.maxRemovalsKept) {
      call.lostSeq = Math.max(call.lostSeq, call.removals.shift()!.seq);
    }
  }

  /** Leaves out the oldest turns past the cap; returns the ids still held. */
  private enforceCap(call: HeldCall): Set<string> {
    while (call.turns.size > this.o.maxTurnsPerCall) {
      let oldest: TranscriptTurn | undefined;
      for (const t of call.turns.values()) if (!oldest || compareTurns(t, oldest) < 0) oldest = t;
      call.turns.delete(oldest!.id);
      if (this.idToCall.get(oldest!.id) === call.callSid) this.idToCall.delete(oldest!.id);
      call.lostSeq = Math.max(call.lostSeq, oldest!.seq);
      if (!call.leftOut.has(oldest!.id)) call.truncated += 1;
      call.leftOut.add(oldest!.id);
    }
    return new Set(call.turns.keys());
  }

  private broadcast(
    call: HeldCall,
    fromSeq: number,
    turns: TranscriptTurn[],
    removed: string[],
  ): void {
    if (call.seq < fromSeq) return;
    const message: TranscriptMessage = {
      event: 'transcript_turns',
      payload: {
        v: 2,
        callSid: call.callSid,
        epoch: call.epoch,
        fromSeq,
        seq: call.seq,
        turns,
        ...(removed.length > 0 ? { removed } : {}),
        timestamp: new Date(this.o.now()).toISOString(),
      },
    };
    for (const l of call.listeners) this.deliverTo(l, message);
  }

  // ---- catching up -----------------------------------------------------------------------

  private catchUpCall(
    call: HeldCall,
    since: SinceCursor | undefined,
    audience: number,
  ): TranscriptCatchUp {
    const base = { epoch: call.epoch, seq: call.seq };
    const replayable =
      since !== undefined &&
      since.epoch === call.epoch &&
      since.seq <= call.seq &&
      since.seq >= call.lostSeq;
    if (!replayable) {
      const message = this.snapshotMessage(call);
      this.stats.turnsDelivered += message.payload.turns.length * audience;
      return { mode: 'snapshot', ...base, message };
    }
    if (since.seq === call.seq) return { mode: 'replay', ...base, message: null };
    const turns = [...call.turns.values()].filter((t) => t.seq > since.seq).sort(compareTurns);
    const removed = call.removals.filter((r) => r.seq > since.seq).map((r) => r.id);
    this.stats.turnsDelivered += turns.length * audience;
    return {
      mode: 'replay',
      ...base,
      message: {
        event: 'transcript_turns',
        payload: {
          v: 2,
          callSid: call.callSid,
          epoch: call.epoch,
          fromSeq: since.seq + 1,
          seq: call.seq,
          turns,
          ...(removed.length > 0 ? { removed } : {}),
          timestamp: new Date(this.o.now()).toISOString(),
        },
      },
    };
  }

  private snapshotMessage(call: HeldCall): TranscriptMessage {
    return {
      event: 'transcript_snapshot',
      payload: {
        v: 2,
        callSid: call.callSid,
        epoch: call.epoch,
        seq: call.seq,
        source: call.source,
        turns: [...call.turns.values()].sort(compareTurns),
        ...(call.truncated > 0 ? { truncated: call.truncated } : {}),
        timestamp: new Date(this.o.now()).toISOString(),
      },
    };
  }

  private deliverTo(listener: Listener, message: TranscriptMessage): void {
    this.stats.turnsDelivered += message.payload.turns.length * listener.audience();
    this.deliver(listener.deliver, message);
  }

  private deliver(listener: TranscriptListener, message: TranscriptMessage): void {
    try {
      listener(message);
    } catch (error) {
      // One broken subscriber must not stop the others.
      this.o.logger.error('a transcript subscriber failed', { error: (error as Error).message });
    }
  }

  // ---- reading ---------------------------------------------------------------------------

  private postCall(doc: JsonDocument): { turns: TurnContent[] } | null {
    const post = postCallTurns(doc, this.o.fields);
    if (!post) return null;
    for (const problem of post.bad) this.noteBad(doc, problem);
    return post;
  }

  /** Counted every time, logged once per document (a hostile writer cannot flood the log). */
  private noteBad(doc: JsonDocument, error: string): void {
    this.stats.badTurns += 1;
    const key = `${String(doc._id)}\n${error}`;
    if (this.loggedBad.has(key)) return;
    this.loggedBad.add(key);
    this.o.logger.warn('a transcript turn cannot be read: left out', {
      id: String(doc._id).slice(0, 100),
      error,
    });
  }
}
