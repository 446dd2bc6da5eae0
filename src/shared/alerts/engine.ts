import type { Alert, AlertThresholds } from '../alerts-types';
import type { CallEntry, CampaignEntry, FeedState } from '../feed/types';
import type { ConnectionState } from '../monitor';
import {
  callDurationConditions,
  campaignFailureConditions,
  completedCampaignConditions,
  failedCallConditions,
  feedConditions,
  type AlertCondition,
} from './rules';
import { outcomeConditions } from './outcome-rules';

/**
 * The alert engine: pure, time always passed in. `evaluateAlerts` is called after every feed
 * transition (with the calls/campaigns that ended in it) and on a timer tick (without), so
 * duration rules fire on time passing, not only on events.
 *
 * - One alert per condition id (kind + target): a condition that keeps holding is not raised
 *   again. Duration conditions (waiting, long call, failure rate, feed down) resolve when they
 *   stop holding; event alerts (call failed, campaign completed) stay until acknowledged.
 * - Cooldown: a condition is not raised again within cooldownSeconds after it resolved (for
 *   event alerts: after it was last raised). A re-raise reopens the same alert, count + 1,
 *   and clears its acknowledgement.
 * - Snoozed alerts are recorded but not notified. Pausing every notification, and the
 *   user's per-kind preferences, are the monitor core's (src/core/monitor): one place.
 * - While the feed is down, call and campaign duration rules are frozen: stale data must not
 *   raise (or resolve) "waiting" alerts.
 * - The list is bounded (historyLimit, default 500): resolved and acknowledged alerts go first.
 */
export interface AlertEngineState {
  /** Newest raised first. */
  readonly alerts: readonly Alert[];
  /** When each recently resolved condition resolved (pruned after the cooldown). */
  readonly resolvedAt: Readonly<Record<string, number>>;
}

export interface AlertInputs {
  feed: Pick<FeedState, 'calls' | 'campaigns'>;
  connection: ConnectionState | null;
  /** Calls that turned terminal since the last evaluation (see callsEndedBy). */
  endedCalls?: readonly CallEntry[];
  /** Campaigns that ended since the last evaluation (see campaignsEndedBy). */
  endedCampaigns?: readonly CampaignEntry[];
  /**
   * Ended calls the holder keeps beyond the feed's active list (the recent calls, with their
   * late post-call analysis), for the outcome rules (./outcome-rules). Whatever is held: the
   * rules read the active calls in `feed.calls` and these together.
   */
  recentCalls?: readonly CallEntry[];
}

export interface AlertEvaluation {
  state: AlertEngineState;
  /** Alerts raised or re-raised now and not snoozed: the ones to consider notifying. */
  notify: Alert[];
  /** Whether the alert list changed (forward it to the renderer). */
  changed: boolean;
}

export const DEFAULT_ALERT_HISTORY_LIMIT = 500;

const EVENT_KINDS = new Set(['call-failed', 'campaign-completed']);

export function createAlertEngineState(): AlertEngineState {
  return {
    alerts: [],
    resolvedAt: Object.create(null) as Record<string, number>,
  };
}

export function isFeedLive(connection: ConnectionState | null): boolean {
  return !connection || (connection.status === 'live' && connection.staleSince === null);
}

export function evaluateAlerts(
  state: AlertEngineState,
  inputs: AlertInputs,
  thresholds: AlertThresholds,
  now: number,
  options: { historyLimit?: number } = {},
): AlertEvaluation {
  const cooldownMs = thresholds.cooldownSeconds * 1000;
  const live = isFeedLive(inputs.connection);
  const events = [
    ...failedCallConditions(inputs.endedCalls ?? []),
    ...completedCampaignConditions(inputs.endedCampaigns ?? []),
  ];
  const durations = [
    ...(live ? callDurationConditions(inputs.feed.calls, thresholds, now) : []),
    ...(live ? campaignFailureConditions(inputs.feed.campaigns, thresholds) : []),
    ...(live
      ? outcomeConditions(
          {
            calls: [...inputs.feed.calls.values(), ...(inputs.recentCalls ?? [])],
            advertisedPlanLimit: inputs.connection?.planLimit,
          },
          thresholds,
          now,
        )
      : []),
    ...feedConditions(inputs.connection, thresholds, now),
  ];
  const holding = new Set(durations.map((c) => c.id));

  const byId = new Map(state.alerts.map((a) => [a.id, a]));
  const resolvedAt: Record<string, number> = Object.create(null) as Record<string, number>;
  let changed = false;
  let pruned = false;
  for (const [id, at] of Object.entries(state.resolvedAt)) {
    if (now - at < cooldownMs) resolvedAt[id] = at;
    else pruned = true;
  }
  const notify: Alert[] = [];

  const raise = (c: AlertCondition, quietFor: number | undefined) => {
    const held = byId.get(c.id);
    if (held && held.resolvedAt === undefined && !EVENT_KINDS.has(c.kind)) return;
    if (quietFor !== undefined && now - quietFor < cooldownMs) return;
    const alert: Alert = {
      ...c,
      raisedAt: now,
      lastSeenAt: now,
      count: (held?.count ?? 0) + 1,
    };
    if (held?.snoozedUntil !== undefined && held.snoozedUntil > now) {
      alert.snoozedUntil = held.snoozedUntil;
    }
    byId.set(c.id, alert);
    delete resolvedAt[c.id];
    changed = true;
    if (alert.snoozedUntil === undefined) notify.push(alert);
  };

  for (const c of events) {
    const held = byId.get(c.id);
    raise(c, held?.lastSeenAt);
  }
  for (const c of durations) {
    const held = byId.get(c.id);
    if (held && held.resolvedAt === undefined) continue;
    raise(c, held?.resolvedAt ?? state.resolvedAt[c.id]);
  }
  // Resolve duration alerts whose condition ended (frozen while the feed is down).
  for (const alert of byId.values()) {
    if (alert.resolvedAt !== undefined || EVENT_KINDS.has(alert.kind) || holding.has(alert.id)) {
      continue;
    }
    if (!live && alert.kind !== 'feed-down') continue;
    byId.set(alert.id, { ...alert, resolvedAt: now });
    resolvedAt[alert.id] = now;
    changed = true;
  }
  if (!changed) {
    // Only the cooldown memory moved on: a new state, but nothing to forward.
    return { state: pruned ? { ...state, resolvedAt } : state, notify, changed: false };
  }
  const alerts = boundHistory(
    [...byId.values()],
    options.historyLimit ?? DEFAULT_ALERT_HISTORY_LIMIT,
  );
  return { state: { alerts, resolvedAt }, notify, changed: true };
}

/**
 * Newest first. Beyond the limit, the oldest closed alerts (resolved, or acknowledged events)
 * go first, then the oldest open events. A duration alert whose condition still holds is
 * never dropped, acknowledged or not: it would be raised (and notified) again at the next
 * evaluation. Those are bounded by the calls and campaigns held, so the list can exceed the
 * limit only by conditions holding right now.
 */
export function boundHistory(alerts: Alert[], limit: number): Alert[] {
  const sorted = alerts.sort((a, b) => b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : 1));
  if (sorted.length <= limit) return sorted;
  const event = (a: Alert) => EVENT_KINDS.has(a.kind);
  const passes = [
    (a: Alert) => a.resolvedAt !== undefined || (event(a) && a.acknowledgedAt !== undefined),
    (a: Alert) => event(a),
  ];
  let excess = sorted.length - limit;
  const drop = new Set<Alert>();
  for (const droppable of passes) {
    for (let i = sorted.length - 1; i >= 0 && excess > 0; i--) {
      const alert = sorted[i]!;
      if (!drop.has(alert) && droppable(alert)) {
        drop.add(alert);
        excess--;
      }
    }
  }
  return sorted.filter((a) => !drop.has(a));
}

/** Open: not resolved, not acknowledged, not snoozed at `now` (what makes the tray "alerting"). */
export function isAlertActive(alert: Alert, now: number): boolean {
  return (
    alert.resolvedAt === undefined &&
    alert.acknowledgedAt === undefined &&
    !(alert.snoozedUntil !== undefined && alert.snoozedUntil > now)
  );
}

export function activeAlerts(state: AlertEngineState, now: number): Alert[] {
  return state.alerts.filter((a) => isAlertActive(a, now));
}
