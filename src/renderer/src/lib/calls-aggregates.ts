import type { ActiveCallStatus } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import {
  callTalkingSince,
  callWaitingSince,
  computeCallKpis,
  secondsBetween,
  type CallKpis,
} from '../../../shared/kpi';
import type { CallsChange } from '../store/types';

type Calls = Readonly<Record<string, CallEntry>>;

/**
 * Calls the changed ids' old and new entries, when `calls` was made from `last` by the change
 * the store recorded; returns false when it was not (a snapshot, or a version we never saw), in
 * which case the caller rebuilds from scratch.
 */
function forEachChange(
  last: Calls | null,
  calls: Calls,
  change: CallsChange,
  visit: (before: CallEntry | undefined, after: CallEntry | undefined) => void,
): boolean {
  if (last === null || change.base !== last) return false;
  for (const id of new Set(change.changed)) visit(last[id], calls[id]);
  return true;
}

/**
 * Distinct agents among the calls (for the agent filter), kept as counts per agent: a delta
 * costs O(changed), and the sorted list is rebuilt (new array) only when an agent appears or
 * disappears.
 */
export function createAgentIdsSelector(): (calls: Calls, change: CallsChange) => string[] {
  let last: Calls | null = null;
  let counts = new Map<string, number>();
  let list: string[] = [];
  /** Agents whose count moved in this change, with whether they were listed before it. */
  let touched = new Map<string, boolean>();
  const bump = (entry: CallEntry | undefined, by: 1 | -1) => {
    const agent = entry?.call.agentId;
    if (!agent) return;
    const n = counts.get(agent) ?? 0;
    if (!touched.has(agent)) touched.set(agent, n > 0);
    if (n + by === 0) counts.delete(agent);
    else counts.set(agent, n + by);
  };
  return (calls, change) => {
    if (calls === last) return list;
    touched = new Map();
    let membership = false;
    const applied = forEachChange(last, calls, change, (before, after) => {
      bump(before, -1);
      bump(after, 1);
    });
    if (applied) {
      for (const [agent, listed] of touched) if (counts.has(agent) !== listed) membership = true;
    } else {
      counts = new Map();
      for (const entry of Object.values(calls)) bump(entry, 1);
      membership = true;
    }
    last = calls;
    if (membership) list = [...counts.keys()].sort();
    return list;
  };
}

/**
 * Calls not yet ended per campaign (the campaign cards' live in-progress figure), the same as
 * `activeCallsByCampaign` but kept from each delta's changes. A new object only when a count
 * changed.
 */
export function createActiveByCampaignSelector(): (
  calls: Calls,
  change: CallsChange,
) => Readonly<Record<string, number>> {
  let last: Calls | null = null;
  let counts = new Map<string, number>();
  let result: Record<string, number> = {};
  const bump = (entry: CallEntry | undefined, by: 1 | -1): boolean => {
    const id = entry?.call.campaignId;
    if (!entry || entry.endedAt !== undefined || typeof id !== 'string') return false;
    const n = (counts.get(id) ?? 0) + by;
    if (n === 0) counts.delete(id);
    else counts.set(id, n);
    return true;
  };
  return (calls, change) => {
    if (calls === last) return result;
    let changed = false;
    const applied = forEachChange(last, calls, change, (before, after) => {
      const was = bump(before, -1);
      const is = bump(after, 1);
      // Leaving and re-entering the same campaign changes nothing.
      if ((was || is) && !(was && is && before?.call.campaignId === after?.call.campaignId))
        changed = true;
    });
    if (!applied) {
      counts = new Map();
      for (const entry of Object.values(calls)) bump(entry, 1);
      changed = true;
    }
    last = calls;
    if (changed) result = Object.fromEntries(counts);
    return result;
  };
}

const isActive = (status: string, byStatus: Record<string, number>) =>
  Object.prototype.hasOwnProperty.call(byStatus, status);

/**
 * The header KPIs (`computeCallKpis`) for the calls at the clock's `now`. Once per tick (when
 * `now` moves) it is a full pass; between ticks `now` is fixed, so each delta only takes its
 * changed calls out and puts their new versions in (exact, since every term is per call).
 * Should a change touch the call that held the longest wait or talk, the next figure is
 * recomputed in full. On ties the holder named may differ from a full pass; the seconds do not.
 */
export function createCallKpiTracker(): (
  calls: Calls,
  change: CallsChange,
  now: number,
) => CallKpis {
  let last: Calls | null = null;
  let lastNow = Number.NaN;
  let kpis: CallKpis | null = null;
  let talkTotal = 0;

  const full = (calls: Calls, now: number): CallKpis => {
    const result = computeCallKpis(calls, now);
    // A sum of whole seconds: rounding undoes the division's float error.
    talkTotal = Math.round((result.avgTalkSecondsInProgress ?? 0) * result.byStatus['in-progress']);
    return result;
  };

  const incremental = (prev: CallKpis, calls: Calls, change: CallsChange, now: number) => {
    const byStatus = { ...prev.byStatus };
    let { active, longestWait, longestTalk, unknownStatus } = prev;
    let total = talkTotal;
    let stale = false;
    const apply = (entry: CallEntry | undefined, by: 1 | -1) => {
      if (!entry || entry.endedAt !== undefined) return;
      const { status, callSid } = entry.call;
      active += by;
      if (!isActive(status, byStatus)) {
        unknownStatus += by; // as computeCallKpis: active, counted apart
        return;
      }
      byStatus[status as ActiveCallStatus] += by;
      if (status === 'queued' || status === 'ringing') {
        const seconds = secondsBetween(callWaitingSince(entry), now);
        if (by === -1) {
          if (longestWait?.callSid === callSid) stale = true;
        } else if (!longestWait || seconds > longestWait.seconds) {
          longestWait = { callSid, status, seconds };
        }
      } else if (status === 'in-progress') {
        const seconds = secondsBetween(callTalkingSince(entry), now);
        total += by * seconds;
        if (by === -1) {
          if (longestTalk?.callSid === callSid) stale = true;
        } else if (!longestTalk || seconds > longestTalk.seconds) {
          longestTalk = { callSid, seconds };
        }
      }
    };
    forEachChange(last, calls, change, (before, after) => {
      apply(before, -1);
      apply(after, 1);
    });
    if (stale) return full(calls, now);
    talkTotal = total;
    const talking = byStatus['in-progress'];
    return {
      active,
      byStatus,
      longestWait,
      longestTalk,
      unknownStatus,
      avgTalkSecondsInProgress: talking > 0 ? total / talking : null,
    };
  };

  return (calls, change, now) => {
    if (kpis && calls === last && now === lastNow) return kpis;
    const canPatch = kpis !== null && now === lastNow && last !== null && change.base === last;
    kpis = canPatch && kpis ? incremental(kpis, calls, change, now) : full(calls, now);
    last = calls;
    lastNow = now;
    return kpis;
  };
}
