import type { RecentChanges } from '../../shared/feed/recent-state';
import type { CallEntry, Entries, FeedChanges, FeedState } from '../../shared/feed/types';
import type { Alert } from '../../shared/alerts-types';
import type {
  ConnectionState,
  MonitorDelta,
  MonitorSnapshot,
  RecentStatus,
} from '../../shared/monitor';

/**
 * Collects what changed between two flushes and turns it into one MonitorDelta. A key
 * touched several times in a window is sent once, as it stands at flush time: present ->
 * upserted, gone -> removed. So under load the renderer gets one message per window, never
 * one per MongoDB event, and the message size is bounded by the number of distinct keys.
 */
export class DeltaBatcher {
  private calls = new Set<string>();
  private campaigns = new Set<string>();
  private recent = new Set<string>();
  private recentStatus = false;
  private connection = false;
  private alerts = false;
  private paused = false;
  private reset = false;

  get isEmpty(): boolean {
    return (
      !this.reset &&
      !this.connection &&
      !this.alerts &&
      !this.paused &&
      !this.recentStatus &&
      this.recent.size === 0 &&
      this.calls.size === 0 &&
      this.campaigns.size === 0
    );
  }

  addChanges(changes: FeedChanges): void {
    if (changes.reset.length > 0) this.reset = true;
    for (const key of changes.callsUpserted) this.calls.add(key);
    for (const key of changes.callsRemoved) this.calls.add(key);
    for (const key of changes.campaignsUpserted) this.campaigns.add(key);
    for (const key of changes.campaignsRemoved) this.campaigns.add(key);
  }

  /** What a `recent` message changed; a snapshot of the window resets the screen's copy. */
  addRecentChanges(changes: RecentChanges): void {
    if (changes.reset) this.reset = true;
    for (const key of changes.upserted) this.recent.add(key);
    for (const key of changes.removed) this.recent.add(key);
  }
  markRecentStatus(): void {
    this.recentStatus = true;
  }

  markConnection(): void {
    this.connection = true;
  }
  markAlerts(): void {
    this.alerts = true;
  }
  markPaused(): void {
    this.paused = true;
  }
  /** The next delta replaces everything (snapshot applied, resync, feed switched). */
  markReset(): void {
    this.reset = true;
  }

  /** Builds the delta and empties the batcher; null when nothing changed. */
  flush(
    state: FeedState,
    current: {
      connection: ConnectionState;
      alerts: Alert[];
      alertsPausedUntil: number | null;
      recent: Entries<CallEntry>;
      recentStatus: RecentStatus;
      snapshot: () => MonitorSnapshot;
      at: number;
    },
  ): MonitorDelta | null {
    if (this.isEmpty) return null;
    let delta: MonitorDelta;
    if (this.reset) {
      delta = { reset: current.snapshot(), at: current.at };
    } else {
      delta = { at: current.at };
      const calls = keyed(this.calls, state.calls);
      if (calls.upserted.length > 0) delta.callsUpserted = calls.upserted;
      if (calls.removed.length > 0) delta.callsRemoved = calls.removed;
      const campaigns = keyed(this.campaigns, state.campaigns);
      if (campaigns.upserted.length > 0) delta.campaignsUpserted = campaigns.upserted;
      if (campaigns.removed.length > 0) delta.campaignsRemoved = campaigns.removed;
      const recent = keyed(this.recent, current.recent);
      if (recent.upserted.length > 0) delta.recentUpserted = recent.upserted;
      if (recent.removed.length > 0) delta.recentRemoved = recent.removed;
      if (this.recentStatus) delta.recentStatus = current.recentStatus;
      if (this.connection) delta.connection = current.connection;
      if (this.alerts) delta.alerts = current.alerts;
      if (this.paused) delta.alertsPausedUntil = current.alertsPausedUntil;
    }
    this.calls.clear();
    this.campaigns.clear();
    this.recent.clear();
    this.connection = this.alerts = this.paused = this.reset = this.recentStatus = false;
    return delta;
  }
}

/** The touched keys as they stand: held -> upserted, gone -> removed. */
function keyed<E>(keys: Set<string>, entries: Entries<E>): { upserted: E[]; removed: string[] } {
  const upserted: E[] = [];
  const removed: string[] = [];
  for (const key of keys) {
    const entry = entries.get(key);
    if (entry) upserted.push(entry);
    else removed.push(key);
  }
  return { upserted, removed };
}
