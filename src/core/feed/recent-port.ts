import type { RecentMessage } from '../../shared/feed/recent-state';
import type { SinceCursor } from '../../shared/protocol/events';

/**
 * What the monitor core needs to follow the v2 `recent` window (docs/protocol.md, "Recent
 * calls"), whatever carries it: the socket to a server (./remote-recent.ts) or the in-process
 * Hub of embedded mode (../embedded/hub-feed.ts). The core applies the messages with the
 * shared reducer (src/shared/feed/recent-state.ts) and asks for a resync when it finds a hole.
 */
export type RecentPortEvent =
  | { type: 'message'; message: RecentMessage }
  /** The source cannot serve the window (a seed-protocol server, a refusal); said once per connection. */
  | { type: 'unavailable'; message: string }
  /** A payload failed validation and was dropped, or held something the window cannot hold. */
  | { type: 'problem'; message: string };

export interface RecentPort {
  /** Follows the window: a snapshot (or a replay) first, then changes. The disposer stops it. */
  subscribe(listener: (event: RecentPortEvent) => void): () => void;
  /**
   * The window's history has a hole: subscribe again, `since` the held cursor (a gap: the
   * server replays what was missed when it still can) or without (another epoch: a snapshot).
   */
  resync(since: SinceCursor | undefined, reason: string): void;
}

/** Said when a source has no recent window: the screen shows it instead of waiting. */
export const RECENT_UNAVAILABLE = 'recent calls need a Callboard v2 server';
