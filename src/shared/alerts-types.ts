/** Alert vocabulary shared by the engine (src/shared/alerts), the core, IPC and the renderer. */
/** The kinds of the first release: a settings file names each (later ones default to on). */
export const FIRST_RELEASE_ALERT_KINDS = [
  'call-failed',
  'call-waiting',
  'call-long',
  'campaign-failure-rate',
  'campaign-completed',
  'feed-down',
] as const;

export const ALERT_KINDS = [
  ...FIRST_RELEASE_ALERT_KINDS,
  // Issue 14: what supervisors of AI agents watch (./alerts/outcome-rules.ts).
  'agent-success-rate',
  'criterion-pass-rate',
  'campaign-machine-rate',
  'concurrency',
  'spend-rate',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

export type AlertTarget =
  | { type: 'call'; callSid: string }
  | { type: 'campaign'; campaignId: string }
  | { type: 'agent'; agentId: string }
  | { type: 'criterion'; criterionId: string }
  /** The whole call centre: concurrency against the plan, spend. */
  | { type: 'centre' }
  | { type: 'feed' };

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
  /**
   * An agent whose success rate over its last `agentSuccessCalls` analysed calls (a verdict
   * of success or failure) is below this raises `agent-success-rate`.
   */
  agentSuccessRatePercent: number;
  agentSuccessCalls: number;
  /** A criterion whose pass rate in the last 60 minutes is below this raises an alert. */
  criterionPassRatePercent: number;
  /** A campaign whose machine rate in the last 60 minutes is above this raises an alert. */
  campaignMachineRatePercent: number;
  /**
   * The criterion and machine-rate rules judge only after this many results in the last 60
   * minutes (decided criterion results; calls with an AMD result).
   */
  outcomeMinCalls: number;
  /** Active calls at this share of the plan limit raise `concurrency` (needs a limit). */
  concurrencyAlertPercent: number;
  /**
   * The plan's concurrent-call limit (DATA.md, "Capacity and cost"), or null when unknown.
   * A server that advertises one (`serve --plan-limit`) overrides it (planLimitFor).
   */
  planLimit: number | null;
  /** The cost of the calls that ended in the last 60 minutes above this raises `spend-rate`; null: off. */
  spendPerHour: number | null;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  waitingSeconds: 60,
  longCallMinutes: 15,
  campaignFailureRatePercent: 30,
  campaignMinCalls: 20,
  feedStaleSeconds: 30,
  cooldownSeconds: 300,
  quietCallMinutes: 180,
  agentSuccessRatePercent: 50,
  agentSuccessCalls: 20,
  criterionPassRatePercent: 50,
  campaignMachineRatePercent: 60,
  outcomeMinCalls: 20,
  concurrencyAlertPercent: 90,
  planLimit: null,
  spendPerHour: null,
};
