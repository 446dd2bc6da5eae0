import fc from 'fast-check';
import { Map as PersistentMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../alerts-types';
import type { CallStatus } from '../domain/lifecycle';
import type { Verdict } from '../domain/outcome-fields';
import type { Call } from '../domain/schemas';
import { call } from '../feed/test-helpers';
import type { CallEntry } from '../feed/types';
import type { ConnectionState } from '../monitor';
import { createAlertEngineState, evaluateAlerts, type AlertEngineState } from './engine';
import { acknowledgeAlert, snoozeAlert } from './actions';
import { outcomeConditions } from './outcome-rules';

const S = 1000;
const MIN = 60 * S;
const NOW = Date.parse('2026-12-04T10:00:00.000Z');
const thresholds: AlertThresholds = {
  ...DEFAULT_ALERT_THRESHOLDS,
  agentSuccessRatePercent: 50,
  agentSuccessCalls: 4,
  criterionPassRatePercent: 60,
  campaignMachineRatePercent: 50,
  outcomeMinCalls: 4,
  concurrencyAlertPercent: 80,
  planLimit: null,
  spendPerHour: null,
  cooldownSeconds: 60,
};
const live: ConnectionState = {
  status: 'live',
  mode: 'remote',
  target: 'http://127.0.0.1:7070',
  since: NOW - 10 * MIN,
  staleSince: null,
  lastEventAt: NOW,
};

let n = 0;
/** An ended call, `ago` ms before NOW by its endTime. */
function ended(
  ago: number,
  extra: Partial<Call> = {},
  status: CallStatus = 'completed',
): CallEntry {
  n += 1;
  const at = NOW - ago;
  return {
    call: call(`e${n}`, status, { endTime: new Date(at).toISOString(), ...extra }),
    receivedAt: at,
    endedAt: at,
  };
}
function active(extra: Partial<Call> = {}): CallEntry {
  n += 1;
  return { call: call(`a${n}`, 'in-progress', extra), receivedAt: NOW - MIN };
}
const verdicts = (agentId: string, list: Verdict[], step = MIN) =>
  list.map((v, i) => ended((i + 1) * step, { agentId, callSuccessful: v }));

const ids = (calls: CallEntry[], t: AlertThresholds = thresholds, advertised?: number) =>
  outcomeConditions({ calls, advertisedPlanLimit: advertised ?? null }, t, NOW)
    .map((c) => c.id)
    .sort();

describe('agent-success-rate: the last N analysed calls', () => {
  it('fires below the threshold and names the figure with its count', () => {
    // Most recent first: 1 success in the last 4 (25 %); older successes do not count.
    const calls = verdicts('ana', [
      'failure',
      'success',
      'failure',
      'failure',
      'success',
      'success',
    ]);
    const [c] = outcomeConditions({ calls }, thresholds, NOW);
    expect(c).toMatchObject({
      id: 'agent-success-rate:agent:ana',
      target: { type: 'agent', agentId: 'ana' },
    });
    expect(c!.message).toBe('ana: 25 % of 4 (its last 4 analysed calls) succeeded (limit 50 %)');
  });

  it('holds at exactly the threshold, and before the agent has N analysed calls', () => {
    expect(ids(verdicts('ana', ['failure', 'success', 'failure', 'success']))).toEqual([]);
    expect(ids(verdicts('ana', ['failure', 'failure', 'failure']))).toEqual([]);
  });

  it('skips calls without a decided verdict and calls still active', () => {
    const calls = [
      ...verdicts('ana', ['failure', 'failure', 'failure']),
      ended(30 * S, { agentId: 'ana', callSuccessful: 'unknown' }),
      ended(40 * S, { agentId: 'ana' }),
      active({ agentId: 'ana', callSuccessful: 'failure' }),
    ];
    expect(ids(calls)).toEqual([]);
    expect(ids([...calls, ended(50 * MIN, { agentId: 'ana', callSuccessful: 'failure' })])).toEqual(
      ['agent-success-rate:agent:ana'],
    );
  });

  it('reads "last" by end time, not by the order given, and counts a call given twice once', () => {
    const recent = verdicts('bo', ['success', 'success', 'success', 'success']);
    const older = verdicts('bo', ['failure', 'failure', 'failure', 'failure'], 10 * MIN);
    expect(ids([...older, ...recent])).toEqual([]);
    // The same four recent calls again, later, now analysed as failures: the later versions count.
    const reanalysed = recent.map((e) => ({
      ...e,
      receivedAt: e.receivedAt + 1,
      call: { ...e.call, callSuccessful: 'failure' as const },
    }));
    expect(ids([...recent, ...older, ...reanalysed])).toEqual(['agent-success-rate:agent:bo']);
  });
});

describe('criterion-pass-rate and campaign-machine-rate: the last 60 minutes', () => {
  const judged = (result: Verdict, ago = MIN) =>
    ended(ago, { agentId: 'ana', evaluationCriteriaResults: { goal: { result } } });

  it('fires for a criterion below the threshold once enough results are decided', () => {
    const calls = [judged('success'), judged('failure'), judged('failure'), judged('unknown')];
    expect(ids(calls)).toEqual([]); // 3 decided < 4
    const more = [...calls, judged('success')];
    // 2 of 4 decided passed = 50 % < 60 %.
    expect(ids(more)).toEqual(['criterion-pass-rate:criterion:goal']);
    const [c] = outcomeConditions({ calls: more }, thresholds, NOW);
    expect(c!.message).toBe('goal: 50 % of 4 passed in the last 60 min (limit 60 %)');
  });

  it('leaves out results older than 60 minutes', () => {
    const old = [1, 2, 3, 4].map(() => judged('failure', 61 * MIN));
    expect(ids(old)).toEqual([]);
  });

  it('fires for a campaign whose machine rate is above the threshold', () => {
    const amd = (answeredBy: Call['answeredBy']) => ended(MIN, { campaignId: 'K1', answeredBy });
    const calls = [amd('machine_end_beep'), amd('fax'), amd('human'), amd('unknown')];
    expect(ids(calls)).toEqual([]); // 2 of 4 = 50 %, not above
    const more = [...calls, amd('machine_start')];
    expect(ids(more)).toEqual(['campaign-machine-rate:campaign:K1']);
    expect(outcomeConditions({ calls: more }, thresholds, NOW)[0]!.message).toBe(
      'campaign K1: 60 % of 5 answered by a machine in the last 60 min (limit 50 %)',
    );
  });
});

describe('concurrency and spend-rate', () => {
  const actives = (count: number) => Array.from({ length: count }, () => active());

  it('needs a plan limit, and uses the one the server advertises over the setting', () => {
    expect(ids(actives(9))).toEqual([]);
    expect(ids(actives(7), { ...thresholds, planLimit: 10 })).toEqual([]);
    expect(ids(actives(8), { ...thresholds, planLimit: 10 })).toEqual(['concurrency:centre']);
    // The server says 20: 8 is 40 %.
    expect(ids(actives(8), { ...thresholds, planLimit: 10 }, 20)).toEqual([]);
    expect(ids(actives(16), thresholds, 20)).toEqual(['concurrency:centre']);
  });

  it('is critical from the limit (burst) and a warning before', () => {
    const at = (count: number) =>
      outcomeConditions({ calls: actives(count) }, { ...thresholds, planLimit: 10 }, NOW)[0]!;
    expect(at(9).severity).toBe('warning');
    expect(at(10).severity).toBe('critical');
    expect(at(12).message).toBe(
      '12 active calls: 120 % of the plan limit of 10 (burst: calls cost double) (alert at 80 %)',
    );
  });

  it('sums the cost of every call that ended in the last 60 minutes', () => {
    const t = { ...thresholds, spendPerHour: 100 };
    const calls = [
      ended(5 * MIN, { cost: 40, agentId: 'ana' }),
      ended(10 * MIN, { cost: 60 }), // no agent, no campaign: still spent
      ended(70 * MIN, { cost: 500 }), // outside the hour
      active({ cost: 300 }), // still running: not counted until it ended
    ];
    expect(ids(calls, t)).toEqual([]); // 100 is not above 100
    const more = [...calls, ended(MIN, { cost: 0.5 })];
    expect(ids(more, t)).toEqual(['spend-rate:centre']);
    expect(outcomeConditions({ calls: more }, t, NOW)[0]!.message).toBe(
      '100.5 spent on the 3 calls that ended in the last 60 min (limit 100 per hour)',
    );
  });
});

describe('against a brute-force pass', () => {
  const entryArb = fc.record({
    agent: fc.constantFrom('A', 'B'),
    campaign: fc.constantFrom('K1', 'K2'),
    verdict: fc.option(fc.constantFrom<Verdict>('success', 'failure', 'unknown'), {
      nil: undefined,
    }),
    goal: fc.option(fc.constantFrom<Verdict>('success', 'failure', 'unknown'), {
      nil: undefined,
    }),
    machine: fc.option(fc.boolean(), { nil: undefined }),
    cost: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
    ago: fc.integer({ min: 0, max: 90 * MIN }),
    isActive: fc.boolean(),
  });
  const listArb = fc.array(entryArb, { maxLength: 40 }).map((rows) =>
    rows.map((r, i): [typeof r, CallEntry] => {
      const extra: Partial<Call> = { agentId: r.agent, campaignId: r.campaign };
      if (r.verdict) extra.callSuccessful = r.verdict;
      if (r.goal) extra.evaluationCriteriaResults = { goal: { result: r.goal } };
      if (r.machine !== undefined) extra.answeredBy = r.machine ? 'machine_start' : 'human';
      if (r.cost !== undefined) extra.cost = r.cost;
      // Distinct end times, so "the last N" is one set.
      const at = NOW - r.ago - i;
      const entry: CallEntry = r.isActive
        ? { call: call(`p${i}`, 'in-progress', extra), receivedAt: at }
        : {
            call: call(`p${i}`, 'completed', { ...extra, endTime: new Date(at).toISOString() }),
            receivedAt: at,
            endedAt: at,
          };
      return [r, entry];
    }),
  );

  it('raises exactly the conditions the figures call for', () => {
    fc.assert(
      fc.property(
        listArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 10, max: 200 }),
        (rows, lastN, limit, spend) => {
          const t: AlertThresholds = {
            ...thresholds,
            agentSuccessCalls: lastN,
            outcomeMinCalls: 3,
            planLimit: limit,
            spendPerHour: spend,
          };
          const expected: string[] = [];
          const inHour = rows
            .map(([r], i) => ({ r, at: NOW - r.ago - i }))
            .filter(({ r, at }) => !r.isActive && at > NOW - 60 * MIN);
          for (const agent of ['A', 'B']) {
            const mine = rows
              .map(([r], i) => ({ r, at: NOW - r.ago - i }))
              .filter(({ r }) => !r.isActive && r.agent === agent)
              .filter(({ r }) => r.verdict === 'success' || r.verdict === 'failure')
              .sort((a, b) => b.at - a.at)
              .slice(0, lastN);
            const wins = mine.filter(({ r }) => r.verdict === 'success').length;
            if (mine.length === lastN && wins * 100 < t.agentSuccessRatePercent * lastN) {
              expected.push(`agent-success-rate:agent:${agent}`);
            }
          }
          const passed = inHour.filter(({ r }) => r.goal === 'success').length;
          const failed = inHour.filter(({ r }) => r.goal === 'failure').length;
          if (
            passed + failed >= 3 &&
            passed * 100 < t.criterionPassRatePercent * (passed + failed)
          ) {
            expected.push('criterion-pass-rate:criterion:goal');
          }
          for (const campaign of ['K1', 'K2']) {
            const answered = inHour.filter(
              ({ r }) => r.campaign === campaign && r.machine !== undefined,
            );
            const machines = answered.filter(({ r }) => r.machine).length;
            if (
              answered.length >= 3 &&
              machines * 100 > t.campaignMachineRatePercent * answered.length
            ) {
              expected.push(`campaign-machine-rate:campaign:${campaign}`);
            }
          }
          const activeCount = rows.filter(([r]) => r.isActive).length;
          if (activeCount * 100 >= t.concurrencyAlertPercent * limit) {
            expected.push('concurrency:centre');
          }
          const spent = inHour.reduce((sum, { r }) => sum + (r.cost ?? 0), 0);
          if (spent > spend) expected.push('spend-rate:centre');

          expect(
            ids(
              rows.map(([, e]) => e),
              t,
            ),
          ).toEqual(expected.sort());
        },
      ),
    );
  });
});

describe('in the engine: dedupe, resolve, acknowledge, snooze', () => {
  const t = { ...thresholds, planLimit: 10 };
  const run = (
    state: AlertEngineState,
    calls: CallEntry[],
    now: number,
    connection: ConnectionState = live,
    recentCalls: CallEntry[] = [],
  ) =>
    evaluateAlerts(
      state,
      {
        feed: {
          calls: PersistentMap(calls.map((e) => [e.call.callSid, e] as const)),
          campaigns: PersistentMap(),
        },
        connection,
        recentCalls,
      },
      t,
      now,
    );
  const busy = Array.from({ length: 9 }, () => active());
  const quiet = busy.slice(0, 5);
  const id = 'concurrency:centre';

  it('raises once while it holds, resolves, and respects the cooldown', () => {
    let r = run(createAlertEngineState(), busy, NOW);
    expect(r.notify.map((a) => a.id)).toEqual([id]);
    r = run(r.state, busy, NOW + S);
    expect(r.notify).toEqual([]);
    expect(r.state.alerts.filter((a) => a.id === id)).toHaveLength(1);
    r = run(r.state, quiet, NOW + 2 * S);
    expect(r.state.alerts[0]!.resolvedAt).toBe(NOW + 2 * S);
    r = run(r.state, busy, NOW + 3 * S); // within the 60 s cooldown
    expect(r.notify).toEqual([]);
    r = run(r.state, busy, NOW + 63 * S);
    expect(r.notify.map((a) => [a.id, a.count])).toEqual([[id, 2]]);
  });

  it('is acknowledged and snoozed like any other alert', () => {
    let r = run(createAlertEngineState(), busy, NOW);
    const acked = acknowledgeAlert(r.state, id, NOW + S);
    expect(acked.ok && acked.state.alerts[0]!.acknowledgedAt).toBe(NOW + S);
    const snoozed = snoozeAlert(r.state, id, NOW + 10 * MIN, NOW + S);
    if (!snoozed.ok) throw new Error(snoozed.message);
    r = run(snoozed.state, quiet, NOW + 2 * S);
    r = run(r.state, busy, NOW + 2 * MIN); // re-raised after the cooldown, but snoozed
    expect(r.notify).toEqual([]);
    expect(r.state.alerts[0]).toMatchObject({ count: 2, snoozedUntil: NOW + 10 * MIN });
  });

  it('reads the recent calls given beside the feed, and freezes while the feed is down', () => {
    const recent = verdicts('ana', ['failure', 'failure', 'failure', 'failure']);
    let r = run(createAlertEngineState(), [], NOW, live, recent);
    expect(r.notify.map((a) => a.id)).toEqual(['agent-success-rate:agent:ana']);
    const down: ConnectionState = { ...live, status: 'reconnecting', since: NOW, staleSince: NOW };
    r = run(r.state, [], NOW + S, down, []);
    expect(r.state.alerts.find((a) => a.id === 'agent-success-rate:agent:ana')?.resolvedAt).toBe(
      undefined,
    );
  });

  it('uses the limit the server advertises in its connection state', () => {
    const r = run(createAlertEngineState(), busy, NOW, { ...live, planLimit: 100 });
    expect(r.notify).toEqual([]);
  });
});
