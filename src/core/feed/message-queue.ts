import { coalesceFeedMessages } from '../../shared/feed/coalesce';
import type { FeedMessage, FeedState } from '../../shared/feed/types';

/**
 * Holds the feed messages that arrive within one turn of the event loop (the frames of one
 * socket read, a backlog after a stall) and hands them to `apply` merged, on the next
 * microtask or when drained: a run of batches then costs one copy of the feed state instead
 * of one per message (the reducer copies a stream's records when a message changes it). The
 * busier the holder, the longer the runs and the fewer the copies; an idle holder applies
 * every message on its own, with no delay beyond the current turn. The client-side twin of
 * the Hub's adaptive flush window.
 */
export class FeedMessageQueue {
  private queued: FeedMessage[] = [];
  private scheduled = false;
  /** Messages received and messages applied after merging, for figures and tests. */
  readonly stats = { received: 0, applied: 0 };

  constructor(
    /** The cursors of the state the messages will be applied to (coalesceFeedMessages). */
    private readonly cursors: () => FeedState['cursors'],
    private readonly apply: (message: FeedMessage) => void,
  ) {}

  get size(): number {
    return this.queued.length;
  }

  push(message: FeedMessage): void {
    this.stats.received += 1;
    this.queued.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** Applies everything queued now (before reading the state, say). */
  drain(): void {
    while (this.queued.length > 0) {
      const messages = this.queued;
      this.queued = [];
      const merged =
        messages.length === 1 ? messages : coalesceFeedMessages(messages, this.cursors());
      for (const message of merged) {
        this.stats.applied += 1;
        this.apply(message);
      }
    }
  }

  /** Forgets what is queued (the feed was replaced or stopped). */
  clear(): void {
    this.queued = [];
  }
}
