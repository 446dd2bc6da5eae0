import { coalesceFeedMessages } from '../../shared/feed/coalesce';
import type { FeedMessage, FeedState } from '../../shared/feed/types';

export interface FeedMessageQueueOptions {
  /**
   * Share of the holder's time that applying messages may take while they keep coming, in
   * (0, 1]. After a drain that took `c` ms the next one waits until `c / budget` ms after it
   * began (at most `maxWaitMs`). Default 0.1.
   */
  budget?: number;
  /** The longest a message waits to be applied (ms). Default 50, the core's delta window. */
  maxWaitMs?: number;
  /** Timers (the monitor core's clock); default the global ones. */
  timers?: {
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(h: unknown): void;
  };
  /** Monotonic clock (ms) that times the drains; default `performance.now`. */
  monotonic?: () => number;
}

/**
 * Holds the feed messages that arrive close together and hands them to `apply` merged
 * (`coalesceFeedMessages`): a run of batches costs one reducer pass, one alert evaluation (a
 * call that ended makes the engine walk every call held) and one delta mark instead of one per
 * message. Pacing adapts to what applying costs, like the Hub's flush window: while a drain is
 * cheap every message is applied on the next microtask, alone or with the frames of the same
 * socket read; when it is expensive (alerts over 10,000 calls) messages wait so that applying
 * stays within `budget` of the time, never more than `maxWaitMs`. A backlog after a stall is
 * applied in one go.
 */
export class FeedMessageQueue {
  private queued: FeedMessage[] = [];
  private microtask = false;
  private timer: unknown = null;
  private nextDrainAt = Number.NEGATIVE_INFINITY;
  private readonly budget: number;
  private readonly maxWaitMs: number;
  private readonly timers: NonNullable<FeedMessageQueueOptions['timers']>;
  private readonly monotonic: () => number;
  /** Messages received, and messages applied after merging, for figures and tests. */
  readonly stats = { received: 0, applied: 0 };

  constructor(
    /** The cursors of the state the messages will be applied to (coalesceFeedMessages). */
    private readonly cursors: () => FeedState['cursors'],
    private readonly apply: (message: FeedMessage) => void,
    options: FeedMessageQueueOptions = {},
  ) {
    this.budget = options.budget ?? 0.1;
    if (!(this.budget > 0 && this.budget <= 1))
      throw new RangeError(`budget must be in (0, 1], got ${this.budget}`);
    this.maxWaitMs = options.maxWaitMs ?? 50;
    this.timers = options.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  get size(): number {
    return this.queued.length;
  }

  push(message: FeedMessage): void {
    this.stats.received += 1;
    this.queued.push(message);
    if (this.microtask || this.timer !== null) return;
    const wait = this.nextDrainAt - this.monotonic();
    if (wait > 0) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        this.drain();
      }, wait);
      return;
    }
    this.microtask = true;
    queueMicrotask(() => {
      if (!this.microtask) return; // drained or cleared meanwhile
      this.microtask = false;
      this.drain();
    });
  }

  /**
   * Applies everything queued now (before reading the state, say). If `apply` throws, that
   * message is dropped, the ones after it stay queued in order for the next drain, and the
   * error is rethrown.
   */
  drain(): void {
    this.cancel();
    if (this.queued.length === 0) return;
    const started = this.monotonic();
    while (this.queued.length > 0) {
      const messages = this.queued;
      this.queued = [];
      const merged =
        messages.length === 1 ? messages : coalesceFeedMessages(messages, this.cursors());
      for (let i = 0; i < merged.length; i++) {
        this.stats.applied += 1;
        try {
          this.apply(merged[i]!);
        } catch (error) {
          this.queued = [...merged.slice(i + 1), ...this.queued];
          throw error;
        }
      }
    }
    this.nextDrainAt =
      started + Math.min(this.maxWaitMs, (this.monotonic() - started) / this.budget);
  }

  /** Forgets what is queued and stops its timer (the feed was replaced or stopped). */
  clear(): void {
    this.cancel();
    this.queued = [];
  }

  private cancel(): void {
    this.microtask = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
