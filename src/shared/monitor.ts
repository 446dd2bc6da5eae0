import type { Alert } from './alerts-types';
import type { CallEntry, CampaignEntry } from './feed/types';
import type { Scope } from './privacy/scopes';
import type { TranscriptSource, TranscriptTurn } from './protocol/transcript';

/**
 * What a supervisor's screen shows, as the monitor core (src/core) holds it. The renderer gets
 * a MonitorSnapshot on load and after a resync, then MonitorDeltas, batched (never one
 * message per MongoDB event).
 */

export type FeedMode = 'demo' | 'remote' | 'embedded';

export type ConnectionStatus =
  'connecting' | 'live' | 'reconnecting' | 'resyncing' | 'failed' | 'stopped';

export interface ConnectionState {
  status: ConnectionStatus;
  mode: FeedMode;
  /** What the feed talks to, for display: a URL or "host:port/db" (never a password). */
  target: string;
  /** When this status began (ms). */
  since: number;
  /** reconnecting: which attempt is next, and when it is due. */
  attempt?: number;
  nextRetryAt?: number;
  /** reconnecting / failed: what went wrong, in words an admin can act on. */
  error?: string;
  /** Since when the data on screen may be out of date; null while live. */
  staleSince: number | null;
  /** Last message that carried data (ms). */
  lastEventAt: number | null;
  /** Protocol in use with the server: 2, or 1 for a seed-protocol server. */
  protocol?: 1 | 2;
  /** The server says its data is simulated (`callboard serve --demo`): shown as demo data. */
  simulated?: boolean;
  /**
   * The plan's concurrent-call limit the server advertises (`serve --plan-limit`, v2 subscribe
   * ack); it overrides the local setting (planLimitFor, src/shared/kpi/concurrency.ts).
   */
  planLimit?: number;
  /**
   * What the token may see (the v2 subscribe ack's `scopes`): the header says what is missing,
   * and the transcript is not asked for without `transcripts`. Absent = every scope (a seed or
   * older server, the embedded and demo feeds).
   */
  scopes?: readonly Scope[];
}

/**
 * Whether the v2 `recent` window of ended calls is followed: waiting for its first snapshot,
 * live, or unavailable (a seed-protocol server, a refusal: `message` says why).
 */
export interface RecentStatus {
  status: 'waiting' | 'live' | 'unavailable';
  message?: string;
}

export interface MonitorSnapshot {
  calls: CallEntry[];
  campaigns: CampaignEntry[];
  /** The `recent` window: calls that ended within the server's window, with their outcomes. */
  recent: CallEntry[];
  recentStatus: RecentStatus;
  connection: ConnectionState;
  alerts: Alert[];
  /** Alerts are not notified until this time (ms), if set. */
  alertsPausedUntil: number | null;
  /** Server-clock minus local-clock estimate is not needed: all times are local (ms). */
  at: number;
}

export interface MonitorDelta {
  /** When present, replaces everything (load, resync, mode switch). */
  reset?: MonitorSnapshot;
  callsUpserted?: CallEntry[];
  callsRemoved?: string[];
  campaignsUpserted?: CampaignEntry[];
  campaignsRemoved?: string[];
  recentUpserted?: CallEntry[];
  recentRemoved?: string[];
  recentStatus?: RecentStatus;
  connection?: ConnectionState;
  /** The whole alert list when it changed (it is small and bounded). */
  alerts?: Alert[];
  alertsPausedUntil?: number | null;
  at: number;
}

/**
 * The one call transcript a screen has open (issue 15). The core follows it live and pushes
 * TranscriptDeltas for that call only; the renderer applies them with the shared
 * mergeTurns (src/shared/feed/transcript-state.ts).
 * - loading: asked, nothing yet; live: following; reconnecting: the connection dropped, the
 *   turns shown may be missing the latest; error: it cannot be shown (`error` says why);
 *   forbidden: the token has no `transcripts` scope (issue 19), so it is never asked for.
 */
export type TranscriptPhase = 'loading' | 'live' | 'reconnecting' | 'error' | 'forbidden';

export interface TranscriptView {
  callSid: string;
  phase: TranscriptPhase;
  error?: string;
  source: TranscriptSource;
  /** Turns the server left out at the start (it holds a capped number per call). */
  truncated: number;
  /** In spoken order (time in the call, then seq). */
  turns: TranscriptTurn[];
  at: number;
}

export interface TranscriptDelta {
  callSid: string;
  phase: TranscriptPhase;
  error?: string;
  /** When present, replaces the turns, source and truncated count (a snapshot). */
  reset?: Pick<TranscriptView, 'turns' | 'source' | 'truncated'>;
  /** Added or corrected turns (a held id is replaced). */
  upserted?: TranscriptTurn[];
  removed?: string[];
  at: number;
}
