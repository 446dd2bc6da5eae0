import type { ConnectionState, FeedMode } from '../../shared/monitor';
import { sameScopes } from '../../shared/privacy/granted';
import type { FeedStatus } from '../feed/feed';

/**
 * The connection state a supervisor sees, derived from the feed's status plus what the core
 * knows (a resync it asked for, the last data). Pure, so the rules are tested on their own:
 * - `since` changes only when the status changes;
 * - `staleSince` is set when the data on screen stops being trustworthy (before the first
 *   snapshot, on a disconnect, while resyncing) and kept through reconnect attempts, so
 *   "stale since T" means the first moment, not the latest attempt; it clears once live
 *   and synced again.
 */
export function initialConnection(mode: FeedMode, target: string, now: number): ConnectionState {
  return { status: 'connecting', mode, target, since: now, staleSince: now, lastEventAt: null };
}

export interface ConnectionInputs {
  feed: FeedStatus | null;
  /** Streams the core is waiting a snapshot for (asked resync, or never synced). */
  awaitingSnapshot: boolean;
  lastEventAt: number | null;
  now: number;
}

export function nextConnection(prev: ConnectionState, inputs: ConnectionInputs): ConnectionState {
  const feed = inputs.feed;
  let status = feed?.status ?? prev.status;
  if (status === 'live' && inputs.awaitingSnapshot) status = 'resyncing';
  const trustworthy = status === 'live';
  const next: ConnectionState = {
    status,
    mode: feed?.mode ?? prev.mode,
    target: feed?.target ?? prev.target,
    since: status === prev.status ? prev.since : inputs.now,
    staleSince: trustworthy ? null : (prev.staleSince ?? inputs.now),
    lastEventAt: inputs.lastEventAt,
  };
  const protocol = feed ? feed.protocol : prev.protocol;
  if (protocol !== undefined) next.protocol = protocol;
  if (feed ? feed.simulated : prev.simulated) next.simulated = true;
  const planLimit = feed ? feed.planLimit : prev.planLimit;
  if (planLimit !== undefined) next.planLimit = planLimit;
  const scopes = feed ? feed.scopes : prev.scopes;
  if (scopes !== undefined) next.scopes = scopes;
  if (status === 'reconnecting' || status === 'failed') {
    const source = feed ?? prev;
    if (source.attempt !== undefined) next.attempt = source.attempt;
    if (source.nextRetryAt !== undefined) next.nextRetryAt = source.nextRetryAt;
    if (source.error !== undefined) next.error = source.error;
  }
  return next;
}

export function sameConnection(a: ConnectionState, b: ConnectionState): boolean {
  return (
    a.status === b.status &&
    a.mode === b.mode &&
    a.target === b.target &&
    a.since === b.since &&
    a.staleSince === b.staleSince &&
    a.attempt === b.attempt &&
    a.nextRetryAt === b.nextRetryAt &&
    a.error === b.error &&
    a.protocol === b.protocol &&
    a.simulated === b.simulated &&
    a.planLimit === b.planLimit &&
    sameScopes(a.scopes, b.scopes) &&
    a.lastEventAt === b.lastEventAt
  );
}
