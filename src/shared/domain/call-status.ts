/** A call is active while its status is one of these (docs/architecture.md, "Seed protocol"). */
export const ACTIVE_CALL_STATUSES = ['initiated', 'queued', 'ringing', 'in-progress'] as const;
/** Once a call reaches one of these it never changes again. */
export const TERMINAL_CALL_STATUSES = [
  'completed',
  'failed',
  'busy',
  'no-answer',
  'canceled',
] as const;
export const CALL_STATUSES = [...ACTIVE_CALL_STATUSES, ...TERMINAL_CALL_STATUSES] as const;

export type ActiveCallStatus = (typeof ACTIVE_CALL_STATUSES)[number];
export type TerminalCallStatus = (typeof TERMINAL_CALL_STATUSES)[number];
export type CallStatus = (typeof CALL_STATUSES)[number];

const activeSet: ReadonlySet<string> = new Set(ACTIVE_CALL_STATUSES);
const terminalSet: ReadonlySet<string> = new Set(TERMINAL_CALL_STATUSES);

export function isActiveStatus(status: string): status is ActiveCallStatus {
  return activeSet.has(status);
}

export function isTerminalStatus(status: string): status is TerminalCallStatus {
  return terminalSet.has(status);
}

export function isCallStatus(status: string): status is CallStatus {
  return activeSet.has(status) || terminalSet.has(status);
}

/** Outcomes a supervisor is alerted to. */
export const FAILED_CALL_STATUSES: readonly TerminalCallStatus[] = ['failed', 'busy', 'no-answer'];

/**
 * Campaign statuses after which a campaign is no longer shown as running. Anything else
 * (running, active, paused, scheduled, ...) counts as active: campaign statuses vary between
 * backends, so the list of ended ones is the safer one to keep.
 */
export const ENDED_CAMPAIGN_STATUSES = [
  'completed',
  'canceled',
  'cancelled',
  'failed',
  'archived',
  'stopped',
] as const;
const endedCampaignSet: ReadonlySet<string> = new Set(ENDED_CAMPAIGN_STATUSES);

export function isActiveCampaignStatus(status: string): boolean {
  return !endedCampaignSet.has(status);
}
