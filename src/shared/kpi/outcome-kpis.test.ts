import { describe, expect, it } from 'vitest';
import type { CallStatus } from '../domain/lifecycle';
import { parseCall, type Call } from '../domain/schemas';
import { call } from '../feed/test-helpers';
import type { CallEntry } from '../feed/types';
import { LAST_15_MINUTES, LAST_60_MINUTES } from './kpi-window';
import { computeOutcomeKpis } from './outcome-kpis';

const MIN = 60_000;
const NOW = Date.parse('2026-12-04T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const live = (sid: string, status: CallStatus, extra: Partial<Call> = {}): CallEntry => ({
  call: call(sid, status, extra),
  receivedAt: NOW - MIN,
});
/** A call that ended `ago` ms before NOW (its endTime), as the feed holds it. */
const ended = (
  sid: string,
  status: CallStatus,
  ago: number,
  extra: Partial<Call> = {},
): CallEntry => ({
  call: call(sid, status, { endTime: iso(NOW - ago), ...extra }),
  receivedAt: NOW - ago,
  endedAt: NOW - ago,
});

describe('computeOutcomeKpis per agent', () => {
  it('counts live and ended calls, verdicts, talk time, cost and transfers', () => {
    const kpis = computeOutcomeKpis(
      [
        live('l1', 'in-progress', { agentId: 'A' }),
        live('l2', 'ringing', { agentId: 'A' }),
        ended('s', 'completed', 1 * MIN, {
          agentId: 'A',
          duration: 60,
          callSuccessful: 'success',
          cost: 10,
          transferredToHuman: true,
        }),
        ended('f', 'completed', 2 * MIN, {
          agentId: 'A',
          duration: 120,
          callSuccessful: 'failure',
          cost: 20,
          transferredToHuman: false,
        }),
        // Its analysis has not arrived yet: undecided.
        ended('p', 'completed', 3 * MIN, { agentId: 'A', duration: 30 }),
        // No conversation, so no analysis will come: counted ended, not undecided.
        ended('n', 'no-answer', 4 * MIN, { agentId: 'A' }),
        // Ended before the window.
        ended('old', 'completed', 20 * MIN, { agentId: 'A', callSuccessful: 'failure' }),
        ended('b', 'completed', 5 * MIN, { agentId: 'B', callSuccessful: 'unknown' }),
      ],
      { window: LAST_15_MINUTES, now: NOW },
    );
    expect(kpis.agents).toEqual([
      {
        agentId: 'A',
        live: 2,
        ended: 4,
        success: 1,
        failure: 1,
        undecided: 1,
        successRate: 0.5,
        undecidedShare: 1 / 3,
        avgTalkSeconds: 70,
        cost: 30,
        costed: 2,
        transfers: 1,
      },
      expect.objectContaining({ agentId: 'B', ended: 1, successRate: null, undecidedShare: 1 }),
    ]);
    const wider = computeOutcomeKpis(
      [ended('old', 'completed', 20 * MIN, { agentId: 'A', callSuccessful: 'failure' })],
      { window: LAST_60_MINUTES, now: NOW },
    );
    expect(wider.agents[0]).toMatchObject({ ended: 1, failure: 1, successRate: 0 });
  });

  it('reads the outcome of a document as the integration wrote it', () => {
    const parsed = parseCall({
      conversation_id: 'conv_1',
      agent_id: 'agent_7',
      status: 'done',
      end_time: iso(NOW - MIN),
      analysis: { call_successful: 'success' },
      metadata: { cost: 250, features_usage: { transfer_to_number: { used: true } } },
    });
    if (!parsed.ok) throw new Error(parsed.error);
    const kpis = computeOutcomeKpis([{ call: parsed.value, receivedAt: NOW, endedAt: NOW }], {
      window: LAST_15_MINUTES,
      now: NOW,
    });
    expect(kpis.agents).toMatchObject([
      { agentId: 'agent_7', success: 1, successRate: 1, cost: 250, transfers: 1 },
    ]);
  });

  it('takes active and ended from the lifecycle rule and the feed, never from the figures', () => {
    const kpis = computeOutcomeKpis(
      [
        // A status no mapping knows keeps a call active...
        live('u', 'Transferring' as CallStatus, { agentId: 'A' }),
        // ... unless the feed was told it ended (a server mapping ended it).
        { ...ended('v', 'Voicemail' as CallStatus, MIN, { agentId: 'A' }) },
        // A recent call held without endedAt is ended by its status.
        { call: call('d', 'busy', { agentId: 'A', endTime: iso(NOW - MIN) }), receivedAt: NOW },
      ],
      { window: LAST_15_MINUTES, now: NOW },
    );
    expect(kpis.agents[0]).toMatchObject({ live: 1, ended: 2, undecided: 0 });
    expect(kpis.concurrency.active).toBe(1);
  });

  it('counts a call given twice once, as the version received last', () => {
    const first = live('c', 'in-progress', { agentId: 'A' });
    const last = { ...ended('c', 'completed', MIN, { agentId: 'A', callSuccessful: 'success' }) };
    last.receivedAt = NOW;
    for (const calls of [
      [first, last],
      [last, first],
    ]) {
      const kpis = computeOutcomeKpis(calls, { window: LAST_15_MINUTES, now: NOW });
      expect(kpis.agents).toMatchObject([{ live: 0, ended: 1, success: 1 }]);
    }
  });

  it('places a call in a window by when it ended, not when it arrived', () => {
    const timeZone = 'Europe/Paris';
    const midnight = Date.parse('2026-12-04T00:00:00+01:00');
    const lateArrival: CallEntry = {
      call: call('y', 'completed', {
        agentId: 'A',
        endTime: iso(midnight - 1),
        callSuccessful: 'success',
      }),
      receivedAt: NOW,
      endedAt: NOW,
    };
    const atMidnight: CallEntry = {
      call: call('t', 'completed', { agentId: 'A', endTime: iso(midnight) }),
      receivedAt: NOW,
      endedAt: NOW,
    };
    const kpis = computeOutcomeKpis([lateArrival, atMidnight], {
      window: { kind: 'today', timeZone },
      now: NOW,
    });
    expect(kpis.window).toEqual({ from: midnight, to: NOW, includesFrom: true });
    expect(kpis.agents).toMatchObject([{ ended: 1, success: 0, undecided: 1 }]);
  });
});

describe('computeOutcomeKpis per campaign', () => {
  it('gives the success rate, the machine rate over answered calls and cost per success', () => {
    const kpis = computeOutcomeKpis(
      [
        ended('h1', 'completed', MIN, {
          campaignId: 'K',
          answeredBy: 'human',
          callSuccessful: 'success',
          cost: 30,
        }),
        ended('h2', 'completed', MIN, {
          campaignId: 'K',
          answeredBy: 'unknown',
          callSuccessful: 'failure',
          cost: 20,
        }),
        ended('m1', 'completed', MIN, {
          campaignId: 'K',
          answeredBy: 'machine_end_beep',
          callSuccessful: 'failure',
          cost: 5,
        }),
        ended('m2', 'completed', MIN, { campaignId: 'K', answeredBy: 'fax', cost: 1 }),
        ended('x', 'busy', MIN, { campaignId: 'K' }),
        ended('z', 'completed', MIN, { campaignId: 'Z', answeredBy: 'machine_start' }),
      ],
      { window: LAST_15_MINUTES, now: NOW },
    );
    expect(kpis.campaigns).toEqual([
      {
        campaignId: 'K',
        ended: 5,
        success: 1,
        failure: 2,
        undecided: 1,
        successRate: 1 / 3,
        undecidedShare: 1 / 4,
        answered: 4,
        machine: 2,
        machineRate: 0.5,
        cost: 56,
        costPerSuccess: 56,
      },
      expect.objectContaining({ campaignId: 'Z', machineRate: 1, costPerSuccess: null }),
    ]);
  });
});

describe('computeOutcomeKpis per evaluation criterion', () => {
  it('gives the pass rate overall and per agent', () => {
    const judged = (sid: string, agentId: string | undefined, greeting: string, goal?: string) =>
      ended(sid, 'completed', MIN, {
        ...(agentId === undefined ? {} : { agentId }),
        evaluationCriteriaResults: {
          greeting: { result: greeting as 'success', rationale: 'why' },
          ...(goal ? { goal: { result: goal as 'success' } } : {}),
        },
      });
    const kpis = computeOutcomeKpis(
      [
        judged('1', 'A', 'success', 'failure'),
        judged('2', 'A', 'success'),
        judged('3', 'B', 'failure', 'unknown'),
        judged('4', undefined, 'success'),
      ],
      { window: LAST_15_MINUTES, now: NOW },
    );
    expect(kpis.criteria).toEqual([
      {
        criterionId: 'goal',
        passed: 0,
        failed: 1,
        unknown: 1,
        passRate: 0,
        byAgent: [
          { agentId: 'A', passed: 0, failed: 1, unknown: 0, passRate: 0 },
          { agentId: 'B', passed: 0, failed: 0, unknown: 1, passRate: null },
        ],
      },
      {
        criterionId: 'greeting',
        passed: 3,
        failed: 1,
        unknown: 0,
        passRate: 0.75,
        byAgent: [
          { agentId: 'A', passed: 2, failed: 0, unknown: 0, passRate: 1 },
          { agentId: 'B', passed: 0, failed: 1, unknown: 0, passRate: 0 },
        ],
      },
    ]);
  });
});

describe('computeOutcomeKpis concurrency', () => {
  it('counts every active call against the plan limit', () => {
    const calls = [
      live('a', 'queued'),
      live('b', 'in-progress', { agentId: 'A' }),
      live('c', 'ringing'),
      live('d', 'initiated'),
      ended('e', 'completed', MIN),
    ];
    const kpis = computeOutcomeKpis(calls, { window: LAST_15_MINUTES, now: NOW, planLimit: 5 });
    expect(kpis.concurrency).toEqual({ active: 4, limit: 5, ratio: 0.8, level: 'amber' });
  });

  it('is empty for no calls', () => {
    expect(computeOutcomeKpis([], { window: LAST_15_MINUTES, now: NOW })).toEqual({
      window: { from: NOW - 15 * MIN, to: NOW, includesFrom: false },
      total: {
        ended: 0,
        success: 0,
        failure: 0,
        undecided: 0,
        successRate: null,
        undecidedShare: null,
        answered: 0,
        machine: 0,
        machineRate: null,
        cost: 0,
        costed: 0,
      },
      agents: [],
      campaigns: [],
      criteria: [],
      concurrency: { active: 0, limit: null, ratio: null, level: null },
      at: NOW,
    });
  });
});
