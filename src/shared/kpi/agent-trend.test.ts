import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallStatus } from '../domain/lifecycle';
import type { Verdict } from '../domain/outcome-fields';
import { call } from '../feed/test-helpers';
import type { CallEntry } from '../feed/types';
import { agentSuccessTrend } from './agent-trend';
import { LAST_15_MINUTES, LAST_60_MINUTES } from './kpi-window';
import { computeOutcomeKpis } from './outcome-kpis';

const MIN = 60_000;
const NOW = Date.parse('2026-12-04T10:30:00.000Z');

function ended(
  sid: string,
  agentId: string,
  verdict: Verdict | undefined,
  endedAgo: number,
  status: CallStatus = 'completed',
  receivedAt = NOW,
): CallEntry {
  return {
    call: call(sid, status, {
      agentId,
      endTime: new Date(NOW - endedAgo).toISOString(),
      ...(verdict ? { callSuccessful: verdict } : {}),
    }),
    receivedAt,
    endedAt: NOW - endedAgo,
  };
}

describe('agentSuccessTrend', () => {
  it('cuts the window into equal slices, oldest first, with a gap where nothing was decided', () => {
    const calls = [
      ended('c1', 'ada', 'success', 0.5 * MIN),
      ended('c2', 'ada', 'failure', 0.7 * MIN),
      ended('c3', 'ada', 'success', 14.5 * MIN),
      // On a slice bound: it belongs to the slice it closes (slices are (from, to]).
      ended('c4', 'ada', 'failure', 1 * MIN),
      // The rolling window leaves out its first instant, and whatever came before it.
      ended('c5', 'ada', 'failure', 15 * MIN),
      ended('c6', 'ada', 'failure', 20 * MIN),
      // Undecided, or not analysed: no rate to draw.
      ended('c7', 'ada', 'unknown', 3 * MIN),
      ended('c8', 'ada', undefined, 3 * MIN, 'busy'),
      ended('c9', 'bob', 'unknown', 2 * MIN),
      {
        call: call('c10', 'in-progress', { agentId: 'cy', callSuccessful: 'success' }),
        receivedAt: NOW,
      },
    ];
    const trend = agentSuccessTrend(calls, { window: LAST_15_MINUTES, now: NOW, slices: 15 });
    const ada: (number | null)[] = new Array(15).fill(null);
    ada[0] = 1;
    ada[13] = 0;
    ada[14] = 0.5;
    expect(trend.get('ada')).toEqual(ada);
    expect([...trend.keys()]).toEqual(['ada']);
  });

  it('counts the version of a call received last', () => {
    const calls = [
      ended('c1', 'ada', 'success', 2 * MIN, 'completed', NOW - 5_000),
      ended('c1', 'ada', 'failure', 2 * MIN, 'completed', NOW - 1_000),
    ];
    const trend = agentSuccessTrend(calls, { window: LAST_15_MINUTES, now: NOW, slices: 3 });
    expect(trend.get('ada')).toEqual([null, null, 0]);
  });

  it.each([0, 1, 2.5, Number.NaN])('refuses %s slices, naming the number', (slices) => {
    expect(() => agentSuccessTrend([], { window: LAST_15_MINUTES, now: NOW, slices })).toThrow(
      new RegExp(`got ${slices}`),
    );
  });

  it('agrees with a brute-force pass, slice by slice, and adds up to the window figure', () => {
    const doc = fc.record({
      agent: fc.constantFrom('A', 'B', '__proto__'),
      verdict: fc.option(fc.constantFrom<Verdict>('success', 'failure', 'unknown'), {
        nil: undefined,
      }),
      endedAgo: fc.integer({ min: -MIN, max: 70 * MIN }),
      status: fc.constantFrom<CallStatus>('completed', 'busy', 'in-progress'),
    });
    fc.assert(
      fc.property(
        fc.array(doc, { maxLength: 40 }),
        fc.integer({ min: 2, max: 13 }),
        (docs, slices) => {
          const calls = docs.map((d, i) =>
            d.status === 'in-progress'
              ? {
                  call: call(`c${i}`, 'in-progress', {
                    agentId: d.agent,
                    ...(d.verdict ? { callSuccessful: d.verdict } : {}),
                  }),
                  receivedAt: NOW,
                }
              : ended(`c${i}`, d.agent, d.verdict, d.endedAgo, d.status),
          );
          const window = LAST_60_MINUTES;
          const trend = agentSuccessTrend(calls, { window, now: NOW, slices });
          const from = NOW - 60 * MIN;
          const width = (60 * MIN) / slices;
          const kpis = computeOutcomeKpis(calls, { window, now: NOW });
          for (const agent of ['A', 'B', '__proto__']) {
            const mine = docs.filter(
              (d) =>
                d.agent === agent &&
                d.status !== 'in-progress' &&
                (d.verdict === 'success' || d.verdict === 'failure'),
            );
            const want = Array.from({ length: slices }, (_, i) => {
              const inSlice = mine.filter((d) => {
                const at = NOW - d.endedAgo;
                return at > from + i * width && at <= from + (i + 1) * width;
              });
              const success = inSlice.filter((d) => d.verdict === 'success').length;
              return inSlice.length > 0 ? success / inSlice.length : null;
            });
            const got = trend.get(agent);
            if (want.every((v) => v === null)) expect(got).toBeUndefined();
            else expect(got).toEqual(want);
            const figure = kpis.agents.find((a) => a.agentId === agent);
            const decided = mine.filter((d) => {
              const at = NOW - d.endedAgo;
              return at > from && at <= NOW;
            }).length;
            expect((figure?.success ?? 0) + (figure?.failure ?? 0)).toBe(decided);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts today at midnight itself', () => {
    const midnight = Date.parse('2026-12-04T00:00:00.000Z');
    const calls = [ended('c1', 'ada', 'success', NOW - midnight)];
    const trend = agentSuccessTrend(calls, {
      window: { kind: 'today', timeZone: 'UTC' },
      now: NOW,
      slices: 4,
    });
    expect(trend.get('ada')).toEqual([1, null, null, null]);
  });
});
