import type { Map as PersistentMap } from 'immutable';
import type { Call, Campaign } from '../domain/schemas';
import type { CallRemoval, CampaignRemoval, StreamName } from '../protocol/events';

/**
 * The feed state that the desktop app, the web dashboard and `callboard tail` all hold,
 * changed only by the pure reducer in ./reducer. Entries are immutable: an update replaces
 * the entry object, so a React row holding an entry re-renders only when its call changed.
 */

/**
 * Key -> entry, persistent (immutable.js): a change returns a new map sharing all but the
 * changed path with the old one, so applying a message costs O(changes), not O(entries held).
 */
export type Entries<E> = PersistentMap<string, E>;
export interface CallEntry {
  call: Call;
  /** Local clock (ms) when this version arrived. */
  receivedAt: number;
  /** Local clock (ms) when the call turned terminal; it leaves at endedAt + terminalLingerMs. */
  endedAt?: number;
  /**
   * Local clock (ms) when this feed saw the call change into its current status. Absent when
   * the call was first seen already in that status (then its startTime is the best guess).
   */
  statusSince?: number;
}

export interface CampaignEntry {
  campaign: Campaign;
  receivedAt: number;
  endedAt?: number;
}

/** Where a stream stands: v2 servers give epoch and seq; a seed server gives neither (null). */
export interface StreamCursor {
  epoch: string | null;
  seq: number | null;
  /** Whether a snapshot has been applied since the feed started or last reset. */
  synced: boolean;
}

export interface FeedState {
  calls: Entries<CallEntry>;
  campaigns: Entries<CampaignEntry>;
  cursors: Readonly<Record<StreamName, StreamCursor>>;
  /** Streams whose history has a hole; the holder must ask for a snapshot. Value: why. */
  resyncNeeded: Readonly<Partial<Record<StreamName, string>>>;
  /**
   * Seed streams only: calls that ended and left after their linger, key -> local clock (ms)
   * they left. Kept for `FeedOptions.goneMemoryMs` (at most GONE_CALLS_LIMIT keys), so a late
   * seed update or a seed snapshot that raced with the call's end cannot bring it back as a
   * call that never ends. Empty on v2 streams: they are ordered by seq.
   */
  callsGone: Entries<number>;
  /**
   * Local clock (ms) of the last message that changed the state (entries, cursors or resync
   * marks), or null before the first. A message that changed nothing leaves it alone; feed
   * liveness is the core's ConnectionState.lastEventAt.
   */
  lastEventAt: number | null;
}

export type FeedMessage =
  | {
      kind: 'snapshot';
      stream: 'calls';
      calls: Call[];
      epoch?: string;
      seq?: number;
      at: number;
    }
  | {
      kind: 'snapshot';
      stream: 'campaigns';
      campaigns: Campaign[];
      epoch?: string;
      seq?: number;
      at: number;
    }
  | {
      kind: 'batch';
      stream: 'calls';
      calls: Call[];
      removed: CallRemoval[];
      epoch?: string;
      fromSeq?: number;
      seq?: number;
      at: number;
    }
  | {
      kind: 'batch';
      stream: 'campaigns';
      campaigns: Campaign[];
      removed: CampaignRemoval[];
      epoch?: string;
      fromSeq?: number;
      seq?: number;
      at: number;
    }
  /** Time passing: lingering terminal calls and ended campaigns leave. */
  | { kind: 'tick'; now: number };

export interface FeedOptions {
  /** How long a call that turned terminal stays visible with its final status. */
  terminalLingerMs: number;
  /** How long a call that left is remembered as gone (`FeedState.callsGone`). Default 2 min. */
  goneMemoryMs?: number;
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = { terminalLingerMs: 5_000 };
export const DEFAULT_GONE_MEMORY_MS = 2 * 60_000;
/**
 * The most gone calls remembered; past it the oldest are forgotten first, so the memory and
 * the tick's sweep of it stay bounded.
 */
export const GONE_CALLS_LIMIT = 10_000;

/** What one message changed, so the holder can forward a delta instead of the whole state. */
export interface FeedChanges {
  callsUpserted: string[];
  callsRemoved: string[];
  campaignsUpserted: string[];
  campaignsRemoved: string[];
  /** Streams replaced wholesale by a snapshot. */
  reset: StreamName[];
  /** Why the message was ignored (stale, duplicate, gap), if it was. */
  ignored?: string;
}

export interface FeedTransition {
  state: FeedState;
  changes: FeedChanges;
}
