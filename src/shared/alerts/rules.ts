import type {
  Alert,
  AlertKind,
  AlertSeverity,
  AlertTarget,
  AlertThresholds,
} from '../alerts-types';
import { FAILED_CALL_STATUSES, type TerminalCallStatus } from '../domain/lifecycle';
import type { Call } from '../domain/schemas';
import type { CallEntry, CampaignEntry, FeedState } from '../feed/types';
import { callTalkingSince, callWaitingSince } from '../kpi/call-times';
import { computeCampaignProgress } from '../kpi/campaign-kpis';
import type { ConnectionState } from '../monitor';

/**
 * The alert rules (issue 5): each finds the conditions that hold now. The engine (./engine)
 * turns conditions into alerts with de-duplication, cooldown, acknowledge and snooze.
 */
export type AlertCondition = Pick<
  Alert,
  'id' | 'kind' | 'severity' | 'title' | 'message' | 'target'
>;

export function alertId(kind: AlertKind, target: AlertTarget): string {
  switch (target.type) {
    case 'call':
      return `${kind}:call:${target.callSid}`;
    case 'campaign':
      return `${kind}:campaign:${target.campaignId}`;
    case 'agent':
      return `${kind}:agent:${target.agentId}`;
    case 'criterion':
      return `${kind}:criterion:${target.criterionId}`;
    case 'centre':
      return `${kind}:centre`;
    case 'feed':
      return `${kind}:feed`;
  }
}

export function condition(
  kind: AlertKind,
  severity: AlertSeverity,
  target: AlertTarget,
  title: string,
  message: string,
): AlertCondition {
  return { id: alertId(kind, target), kind, severity, target, title, message };
}

export const clip = (text: string, max = 80) =>
  text.length > max ? `${text.slice(0, max)}...` : text;

/** "Ana Diaz (+1 555 0100)" or the number or the call id. */
export function describeCall(call: Call): string {
  const name = typeof call.contactName === 'string' ? call.contactName.trim() : '';
  const number = typeof call.to === 'string' ? call.to.trim() : '';
  if (name && number) return clip(`${name} (${number})`);
  return clip(name || number || `call ${call.callSid}`);
}

const FAILED_TITLES: Partial<Record<TerminalCallStatus, string>> = {
  failed: 'Call failed',
  busy: 'Line busy',
  'no-answer': 'No answer',
};

/** call-failed: on the transition of a call to failed, busy or no-answer. */
export function failedCallConditions(ended: readonly CallEntry[]): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const { call } of ended) {
    if (!(FAILED_CALL_STATUSES as readonly string[]).includes(call.status)) continue;
    const title = FAILED_TITLES[call.status as TerminalCallStatus] ?? 'Call failed';
    out.push(
      condition(
        'call-failed',
        'warning',
        { type: 'call', callSid: call.callSid },
        title,
        `${describeCall(call)}: ${call.status}`,
      ),
    );
  }
  return out;
}

/** campaign-completed: on the transition of a campaign to status "completed". */
export function completedCampaignConditions(ended: readonly CampaignEntry[]): AlertCondition[] {
  return ended
    .filter((entry) => entry.campaign.status === 'completed')
    .map((entry) => {
      const progress = computeCampaignProgress(entry, [], 0);
      const name = clip(progress.name ?? `campaign ${progress.campaignId}`);
      return condition(
        'campaign-completed',
        'info',
        { type: 'campaign', campaignId: progress.campaignId },
        'Campaign completed',
        `${name}: ${progress.done} of ${progress.total} calls done`,
      );
    });
}

/** call-waiting and call-long: conditions that hold because time passed. */
export function callDurationConditions(
  calls: FeedState['calls'],
  thresholds: AlertThresholds,
  now: number,
): AlertCondition[] {
  const out: AlertCondition[] = [];
  const waitMs = thresholds.waitingSeconds * 1000;
  const longMs = thresholds.longCallMinutes * 60_000;
  for (const entry of calls.values()) {
    if (entry.endedAt !== undefined) continue;
    const { call } = entry;
    const target: AlertTarget = { type: 'call', callSid: call.callSid };
    if (call.status === 'queued' || call.status === 'ringing') {
      if (now - callWaitingSince(entry) >= waitMs) {
        out.push(
          condition(
            'call-waiting',
            'warning',
            target,
            'Caller waiting',
            `${describeCall(call)}: ${call.status} for over ${thresholds.waitingSeconds} s`,
          ),
        );
      }
    } else if (call.status === 'in-progress' && now - callTalkingSince(entry) >= longMs) {
      out.push(
        condition(
          'call-long',
          'info',
          target,
          'Long call',
          `${describeCall(call)}: in progress for over ${thresholds.longCallMinutes} min`,
        ),
      );
    }
  }
  return out;
}

/** campaign-failure-rate: above the threshold once enough calls are done. */
export function campaignFailureConditions(
  campaigns: FeedState['campaigns'],
  thresholds: AlertThresholds,
): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const entry of campaigns.values()) {
    if (entry.endedAt !== undefined) continue;
    const p = computeCampaignProgress(entry, [], 0);
    if (p.done < thresholds.campaignMinCalls || p.failureRate === null) continue;
    const percent = p.failureRate * 100;
    if (percent <= thresholds.campaignFailureRatePercent) continue;
    out.push(
      condition(
        'campaign-failure-rate',
        'critical',
        { type: 'campaign', campaignId: p.campaignId },
        'Campaign failing',
        `${clip(p.name ?? `campaign ${p.campaignId}`)}: ${Math.round(percent)}% of ${p.done} calls failed (limit ${thresholds.campaignFailureRatePercent}%)`,
      ),
    );
  }
  return out;
}

/**
 * When the feed went down (disconnected, reconnecting, failed, resyncing, or live but stale),
 * or null while it is live and fresh, or stopped on purpose.
 */
export function feedDownSince(connection: ConnectionState): number | null {
  if (connection.status === 'stopped') return null;
  if (connection.status === 'live') return connection.staleSince;
  return connection.staleSince ?? connection.since;
}

export function feedConditions(
  connection: ConnectionState | null,
  thresholds: AlertThresholds,
  now: number,
): AlertCondition[] {
  if (!connection) return [];
  const since = feedDownSince(connection);
  if (since === null || now - since < thresholds.feedStaleSeconds * 1000) return [];
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const what =
    connection.status === 'live'
      ? 'no fresh data'
      : connection.status === 'connecting'
        ? 'cannot connect'
        : connection.status;
  const error = connection.error ? `: ${clip(connection.error, 200)}` : '';
  return [
    condition(
      'feed-down',
      'critical',
      { type: 'feed' },
      'Feed down',
      `${clip(connection.target, 120)}: ${what} for ${seconds} s${error}; the screen may be out of date`,
    ),
  ];
}
