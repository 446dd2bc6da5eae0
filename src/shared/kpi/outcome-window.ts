import {
  FAILED_CALL_STATUSES,
  TERMINAL_CALL_STATUSES,
  callLifecycle,
  type TerminalCallStatus,
} from '../domain/lifecycle';
import type { CallEntry } from '../feed/types';
import { finalTalkSeconds } from './call-times';

/**
 * A bounded rolling window of call outcomes ("completed / failed in the last 15 minutes").
 * Immutable: every function returns a new window (or the same one when nothing changed). The
 * core feeds it the calls that turned terminal (callsEndedBy in ../feed/reducer); a call is
 * recorded once even if its terminal update is replayed.
 */
export interface OutcomeSample {
  callSid: string;
  status: TerminalCallStatus;
  /** Local clock (ms) when the call ended (its entry's endedAt). */
  at: number;
  talkSeconds: number | null;
  campaignId?: string;
}

export interface OutcomeWindow {
  readonly windowMs: number;
  readonly maxSamples: number;
  /** Oldest first. */
  readonly samples: readonly OutcomeSample[];
}

export const DEFAULT_OUTCOME_WINDOW_MS = 15 * 60_000;

export function createOutcomeWindow(
  options: { windowMs?: number; maxSamples?: number } = {},
): OutcomeWindow {
  const windowMs = options.windowMs ?? DEFAULT_OUTCOME_WINDOW_MS;
  const maxSamples = options.maxSamples ?? 10_000;
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`outcome windowMs must be a positive number, got ${windowMs}`);
  }
  if (!Number.isSafeInteger(maxSamples) || maxSamples < 1) {
    throw new RangeError(`outcome maxSamples must be an integer >= 1, got ${maxSamples}`);
  }
  return { windowMs, maxSamples, samples: [] };
}

/** Drops samples that fell out of the window at `now`. */
export function pruneOutcomes(window: OutcomeWindow, now: number): OutcomeWindow {
  const cutoff = now - window.windowMs;
  let first = 0;
  while (first < window.samples.length && window.samples[first]!.at <= cutoff) first++;
  return first === 0 ? window : { ...window, samples: window.samples.slice(first) };
}

/** Records the ended calls (entries whose status is terminal); others are skipped. */
export function recordOutcomes(
  window: OutcomeWindow,
  ended: readonly CallEntry[],
  now: number,
): OutcomeWindow {
  const pruned = pruneOutcomes(window, now);
  const known = new Set(pruned.samples.map((s) => s.callSid));
  const added: OutcomeSample[] = [];
  for (const entry of ended) {
    const { callSid, campaignId } = entry.call;
    const status = callLifecycle(entry.call.status).outcome;
    if (status === null || known.has(callSid)) continue;
    const at = entry.endedAt ?? now;
    if (at <= now - window.windowMs) continue;
    known.add(callSid);
    const sample: OutcomeSample = { callSid, status, at, talkSeconds: finalTalkSeconds(entry) };
    if (typeof campaignId === 'string') sample.campaignId = campaignId;
    added.push(sample);
  }
  if (added.length === 0) return pruned;
  let samples = [...pruned.samples, ...added].sort((a, b) => a.at - b.at);
  if (samples.length > window.maxSamples) samples = samples.slice(-window.maxSamples);
  return { ...pruned, samples };
}

export interface OutcomeSummary {
  byStatus: Record<TerminalCallStatus, number>;
  completed: number;
  /** failed + busy + no-answer (the outcomes a supervisor is alerted to). */
  failed: number;
  total: number;
  /** Average talk time of completed calls that reported one, or null. */
  avgTalkSecondsCompleted: number | null;
  windowMs: number;
}

export function summarizeOutcomes(window: OutcomeWindow, now: number): OutcomeSummary {
  const byStatus = Object.fromEntries(TERMINAL_CALL_STATUSES.map((s) => [s, 0])) as Record<
    TerminalCallStatus,
    number
  >;
  let total = 0;
  let talkTotal = 0;
  let talkCount = 0;
  const cutoff = now - window.windowMs;
  for (const sample of window.samples) {
    if (sample.at <= cutoff || sample.at > now) continue;
    byStatus[sample.status]++;
    total++;
    if (sample.status === 'completed' && sample.talkSeconds !== null) {
      talkTotal += sample.talkSeconds;
      talkCount++;
    }
  }
  const failed = FAILED_CALL_STATUSES.reduce((sum, status) => sum + byStatus[status], 0);
  return {
    byStatus,
    completed: byStatus.completed,
    failed,
    total,
    avgTalkSecondsCompleted: talkCount > 0 ? talkTotal / talkCount : null,
    windowMs: window.windowMs,
  };
}
