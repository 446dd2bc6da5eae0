import { DEFAULT_LIFECYCLE, type LifecycleRules } from '../domain/lifecycle';
import { parseCall } from '../domain/schemas';
import { recentCallsBatchPayloadSchema, recentCallsPayloadSchema } from '../protocol/schemas';
import { bounded, check, countProblem, parseDocs } from './from-protocol';
import type { RecentMessage } from './recent-state';

/** The server events of the v2 `recent` stream (docs/protocol.md, "Recent calls"). */
export const RECENT_EVENTS = ['recent_calls', 'recent_calls_batch_update'] as const;
export type RecentEvent = (typeof RECENT_EVENTS)[number];

export interface RecentEventResult {
  message?: RecentMessage;
  /** Each names the event and what was wrong. */
  problems: string[];
}

/**
 * Turns a `recent_calls` / `recent_calls_batch_update` payload into a RecentMessage, checked
 * like the list events (./from-protocol): a malformed payload gives no message and a problem;
 * a bad call is left out and named while the rest applies.
 */
export function fromRecentEvent(
  event: RecentEvent,
  payload: unknown,
  at: number,
  /** How statuses are read (embedded mode reads raw documents with the configured rules). */
  rules: LifecycleRules = DEFAULT_LIFECYCLE,
): RecentEventResult {
  const parse = (input: unknown) => parseCall(input, rules);
  const problems: string[] = [];
  if (event === 'recent_calls') {
    const p = check(event, recentCallsPayloadSchema, payload, problems);
    if (!p.ok) return { problems };
    problems.push(...countProblem(event, p.value.count, p.value.calls.length, 'calls'));
    const calls = parseDocs(event, 'calls', p.value.calls, parse, problems);
    const { epoch, seq } = p.value;
    if (epoch.length === 0)
      return { problems: [bounded(`${event}: malformed payload: epoch must not be empty`)] };
    return { message: { kind: 'snapshot', calls, epoch, seq, at }, problems };
  }
  const p = check(event, recentCallsBatchPayloadSchema, payload, problems);
  if (!p.ok) return { problems };
  const { epoch, seq, fromSeq } = p.value;
  if (epoch.length === 0 || fromSeq > seq) {
    const why =
      epoch.length === 0 ? 'epoch must not be empty' : `fromSeq ${fromSeq} is after seq ${seq}`;
    return { problems: [`${event}: malformed payload: ${why}`] };
  }
  const calls = parseDocs(event, 'calls', p.value.calls, parse, problems);
  const removed = p.value.removed.map((r) => ({ callSid: r.callSid, reason: r.reason }));
  return { message: { kind: 'batch', calls, removed, epoch, fromSeq, seq, at }, problems };
}
