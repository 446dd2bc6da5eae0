import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATUSES, callLifecycle, type CallStatus } from '../domain/lifecycle';
import { ANSWERED_BY, VERDICTS, type CriterionResult } from '../domain/outcome-fields';
import { call } from '../feed/test-helpers';
import type { CallEntry } from '../feed/types';
import type { KpiWindow } from './kpi-window';
import { computeOutcomeKpis } from './outcome-kpis';

/**
 * The KPIs against a brute-force pass over the same calls: each figure recomputed by
 * filtering the whole list for one agent, campaign or criterion, with its own dedupe and
 * window arithmetic (fixed-offset zones only, so "today" has a closed form).
 */

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Date.parse('2026-12-04T00:10:00.000Z');

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const entryArb = fc
  .record({
    sid: fc.constantFrom('c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'),
    status: fc.constantFrom<string>(...CALL_STATUSES, 'done', 'Transferring', 'voicemail'),
    agentId: optional(fc.constantFrom('A', 'B', 'C', '__proto__')),
    campaignId: optional(fc.constantFrom('K1', 'K2')),
    verdict: optional(fc.constantFrom(...VERDICTS)),
    criteria: optional(
      fc.dictionary(fc.constantFrom('greeting', 'goal', 'tone'), fc.constantFrom(...VERDICTS), {
        maxKeys: 3,
      }),
    ),
    answeredBy: optional(fc.constantFrom(...ANSWERED_BY)),
    cost: optional(fc.nat(500)),
    transfer: optional(fc.boolean()),
    duration: optional(fc.nat(900)),
    endedAgo: optional(fc.integer({ min: -2 * MIN, max: 80 * MIN })),
    receivedAgo: fc.integer({ min: 0, max: 90 * MIN }),
    feedEnded: fc.boolean(),
  })
  .map((r): CallEntry => {
    const extra: Record<string, unknown> = {};
    if (r.agentId !== undefined) extra.agentId = r.agentId;
    if (r.campaignId !== undefined) extra.campaignId = r.campaignId;
    if (r.verdict !== undefined) extra.callSuccessful = r.verdict;
    if (r.criteria !== undefined) {
      extra.evaluationCriteriaResults = Object.fromEntries(
        Object.entries(r.criteria).map(([id, result]) => [id, { result } as CriterionResult]),
      );
    }
    if (r.answeredBy !== undefined) extra.answeredBy = r.answeredBy;
    if (r.cost !== undefined) extra.cost = r.cost;
    if (r.transfer !== undefined) extra.transferredToHuman = r.transfer;
    if (r.duration !== undefined) extra.duration = r.duration;
    if (r.endedAgo !== undefined) extra.endTime = new Date(NOW - r.endedAgo).toISOString();
    const entry: CallEntry = {
      call: call(r.sid, r.status as CallStatus, extra),
      receivedAt: NOW - r.receivedAgo,
    };
    if (r.feedEnded) entry.endedAt = NOW - r.receivedAgo;
    return entry;
  });

const windowArb = fc.constantFrom<[KpiWindow, (at: number) => boolean]>(
  [{ kind: 'last', minutes: 15 }, (at) => at > NOW - 15 * MIN && at <= NOW],
  [{ kind: 'last', minutes: 60 }, (at) => at > NOW - 60 * MIN && at <= NOW],
  [{ kind: 'today', timeZone: 'UTC' }, (at) => at >= Math.floor(NOW / DAY) * DAY && at <= NOW],
  [{ kind: 'all' }, () => true],
  [
    // +05:30: at 00:10 UTC it is 05:40, so the day began at 18:30 UTC yesterday.
    { kind: 'today', timeZone: 'Asia/Kolkata' },
    (at) => at >= Math.floor(NOW / DAY) * DAY - 5.5 * 60 * MIN && at <= NOW,
  ],
);

function bruteForce(
  entries: CallEntry[],
  inWindow: (at: number) => boolean,
  planLimit: number | null,
) {
  const latest = entries.filter((e, i) =>
    entries.every(
      (o, j) =>
        o.call.callSid !== e.call.callSid ||
        o.receivedAt < e.receivedAt ||
        (o.receivedAt === e.receivedAt && j <= i),
    ),
  );
  const isEnded = (e: CallEntry) =>
    e.endedAt !== undefined || callLifecycle(e.call.status).phase === 'ended';
  const completed = (e: CallEntry) => callLifecycle(e.call.status).outcome === 'completed';
  const endedAt = (e: CallEntry) =>
    typeof e.call.endTime === 'string' ? Date.parse(e.call.endTime) : (e.endedAt ?? e.receivedAt);
  const active = latest.filter((e) => !isEnded(e));
  const recent = latest.filter((e) => isEnded(e) && inWindow(endedAt(e)));
  const count = (list: CallEntry[], test: (e: CallEntry) => boolean) => list.filter(test).length;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const sum = (list: CallEntry[]) => list.reduce((s, e) => s + (e.call.cost ?? 0), 0);
  const verdicts = (list: CallEntry[]) => {
    const success = count(list, (e) => e.call.callSuccessful === 'success');
    const failure = count(list, (e) => e.call.callSuccessful === 'failure');
    const undecided = count(
      list,
      (e) => e.call.callSuccessful === 'unknown' || (e.call.callSuccessful == null && completed(e)),
    );
    return {
      success,
      failure,
      undecided,
      successRate: ratio(success, success + failure),
      undecidedShare: ratio(undecided, success + failure + undecided),
    };
  };
  const ids = (list: CallEntry[], of: (e: CallEntry) => unknown) =>
    [...new Set(list.map(of).filter((v): v is string => typeof v === 'string'))].sort();

  const agents = ids([...active, ...recent], (e) => e.call.agentId).map((agentId) => {
    const mine = recent.filter((e) => e.call.agentId === agentId);
    const talked = mine.filter((e) => completed(e) && typeof e.call.duration === 'number');
    return {
      agentId,
      live: count(active, (e) => e.call.agentId === agentId),
      ended: mine.length,
      ...verdicts(mine),
      avgTalkSeconds:
        talked.length > 0
          ? talked.reduce((s, e) => s + (e.call.duration as number), 0) / talked.length
          : null,
      cost: sum(mine),
      costed: count(mine, (e) => typeof e.call.cost === 'number'),
      transfers: count(mine, (e) => e.call.transferredToHuman === true),
    };
  });
  const campaigns = ids(recent, (e) => e.call.campaignId).map((campaignId) => {
    const mine = recent.filter((e) => e.call.campaignId === campaignId);
    const answered = count(mine, (e) => e.call.answeredBy != null);
    const machine = count(mine, (e) =>
      [
        'machine_start',
        'machine_end_beep',
        'machine_end_silence',
        'machine_end_other',
        'fax',
      ].includes(e.call.answeredBy ?? ''),
    );
    const v = verdicts(mine);
    return {
      campaignId,
      ended: mine.length,
      ...v,
      answered,
      machine,
      machineRate: ratio(machine, answered),
      cost: sum(mine),
      costPerSuccess: v.success > 0 ? sum(mine) / v.success : null,
    };
  });
  const criterionIds = [
    ...new Set(recent.flatMap((e) => Object.keys(e.call.evaluationCriteriaResults ?? {}))),
  ].sort();
  const pass = (list: CallEntry[], id: string) => {
    const results = list
      .map((e) => e.call.evaluationCriteriaResults?.[id]?.result)
      .filter((r) => r !== undefined);
    const passed = results.filter((r) => r === 'success').length;
    const failed = results.filter((r) => r === 'failure').length;
    return {
      passed,
      failed,
      unknown: results.length - passed - failed,
      passRate: ratio(passed, passed + failed),
    };
  };
  const criteria = criterionIds.map((criterionId) => {
    const judged = recent.filter((e) =>
      Object.prototype.hasOwnProperty.call(e.call.evaluationCriteriaResults ?? {}, criterionId),
    );
    return {
      criterionId,
      ...pass(judged, criterionId),
      byAgent: ids(judged, (e) => e.call.agentId).map((agentId) => ({
        agentId,
        ...pass(
          judged.filter((e) => e.call.agentId === agentId),
          criterionId,
        ),
      })),
    };
  });
  const levels = (n: number) => {
    if (planLimit === null) return { active: n, limit: null, ratio: null, level: null };
    const level = n * 10 >= planLimit * 10 ? 'red' : n * 10 >= planLimit * 8 ? 'amber' : 'ok';
    return { active: n, limit: planLimit, ratio: n / planLimit, level };
  };
  const isMachine = (e: CallEntry) =>
    [
      'machine_start',
      'machine_end_beep',
      'machine_end_silence',
      'machine_end_other',
      'fax',
    ].includes(e.call.answeredBy ?? '');
  const answeredAll = count(recent, (e) => e.call.answeredBy != null);
  const total = {
    ended: recent.length,
    ...verdicts(recent),
    answered: answeredAll,
    machine: count(recent, isMachine),
    machineRate: ratio(count(recent, isMachine), answeredAll),
    cost: sum(recent),
    costed: count(recent, (e) => typeof e.call.cost === 'number'),
  };
  return { agents, campaigns, criteria, total, concurrency: levels(active.length) };
}

describe('computeOutcomeKpis against a brute-force pass', () => {
  it('agrees on every figure', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 40 }),
        windowArb,
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
        (entries, [window, inWindow], planLimit) => {
          const kpis = computeOutcomeKpis(entries, { window, now: NOW, planLimit });
          const expected = bruteForce(entries, inWindow, planLimit);
          expect(kpis.agents).toEqual(expected.agents);
          expect(kpis.campaigns).toEqual(expected.campaigns);
          expect(kpis.criteria).toEqual(expected.criteria);
          expect(kpis.concurrency).toEqual(expected.concurrency);
          expect(kpis.total).toEqual(expected.total);
        },
      ),
      { numRuns: 500 },
    );
  });
});
