/** Alert vocabulary shared by the engine (src/shared/alerts), the core, IPC and the renderer. */
export const ALERT_KINDS = [
  'call-failed',
  'call-waiting',
  'call-long',
  'campaign-failure-rate',
  'campaign-completed',
  'feed-down',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

export type AlertTarget =
  { type: 'call'; callSid: string } | { type: 'campaign'; campaignId: string } | { type: 'feed' };

export interface Alert {
  /** Stable per condition (kind + target), so the same condition is de-duplicated. */
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  message: string;
  target: AlertTarget;
  raisedAt: number;
  /** Last time the condition was seen; `count` times in all. */
  lastSeenAt: number;
  count: number;
  acknowledgedAt?: number;
  snoozedUntil?: number;
  /** When the condition stopped holding (e.g. the call got answered). */
  resolvedAt?: number;
}

export interface AlertThresholds {
  /** A call ringing or queued longer than this raises `call-waiting`. */
  waitingSeconds: number;
  /** A call in progress longer than this raises `call-long`. */
  longCallMinutes: number;
  /** A campaign whose failure rate exceeds this (after `campaignMinCalls`) raises an alert. */
  campaignFailureRatePercent: number;
  campaignMinCalls: number;
  /** The feed disconnected or stale for longer than this raises `feed-down`. */
  feedStaleSeconds: number;
  /** After an alert is raised, the same condition is not raised again for this long. */
  cooldownSeconds: number;
  /** An active call with no update for this long is shown "no update since ..." (quiet). */
  quietCallMinutes: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  waitingSeconds: 60,
  longCallMinutes: 15,
  campaignFailureRatePercent: 30,
  campaignMinCalls: 20,
  feedStaleSeconds: 30,
  cooldownSeconds: 300,
  quietCallMinutes: 180,
};
