import type { FeedChanges, FeedState } from '../../shared/feed/types';
import type { Alert } from '../../shared/alerts-types';
import type { ConnectionState, MonitorDelta, MonitorSnapshot } from '../../shared/monitor';

/**
 * Collects what changed between two flushes and turns it into one MonitorDelta. A key
 * touched several times in a window is sent once, as it stands at flush time: present ->
 * upserted, gone -> removed. So under load the renderer gets one message per window, never
 * one per MongoDB event, and the message size is bounded by the number of distinct keys.
 */
export class DeltaBatcher {
  private calls = new Set<string>();
  private campaigns = new Set<string>();
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
      if (this.calls.size > 0) {
        const upserted = [];
        const removed = [];
        for (const key of this.calls) {
          const entry = state.calls.get(key);
          if (entry) upserted.push(entry);
          else removed.push(key);
        }
        if (upserted.length > 0) delta.callsUpserted = upserted;
        if (removed.length > 0) delta.callsRemoved = removed;
      }
      if (this.campaigns.size > 0) {
        const upserted = [];
        const removed = [];
        for (const key of this.campaigns) {
          const entry = state.campaigns.get(key);
          if (entry) upserted.push(entry);
          else removed.push(key);
        }
        if (upserted.length > 0) delta.campaignsUpserted = upserted;
        if (removed.length > 0) delta.campaignsRemoved = removed;
      }
      if (this.connection) delta.connection = current.connection;
      if (this.alerts) delta.alerts = current.alerts;
      if (this.paused) delta.alertsPausedUntil = current.alertsPausedUntil;
    }
    this.calls.clear();
    this.campaigns.clear();
    this.connection = this.alerts = this.paused = this.reset = false;
    return delta;
  }
}
