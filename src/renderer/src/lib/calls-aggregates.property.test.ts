import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATUSES } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import { activeCallsByCampaign, computeCallKpis } from '../../../shared/kpi';
import { createCallboardStore } from '../store/create-store';
import { callEntry, emptySnapshot, NOW } from '../test-support/memory-api';
import { agentIds } from './call-list';
import {
  createActiveByCampaignSelector,
  createAgentIdsSelector,
  createCallKpiTracker,
} from './calls-aggregates';

const IDS = ['c0', 'c1', 'c2', 'c3', 'c4'];

const anyCall = fc.record({
  callSid: fc.constantFrom(...IDS),
  status: fc.constantFrom(...CALL_STATUSES),
  agentId: fc.option(fc.constantFrom('ag-1', 'ag-2', 'ag-3'), { nil: undefined }),
  campaignId: fc.option(fc.constantFrom('K1', 'K2'), { nil: undefined }),
  // Milliseconds, so whole seconds round differently per call; some start after `now`.
  startMs: fc.integer({ min: -5_000, max: 200_000 }),
  statusSinceMs: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
  ended: fc.boolean(),
});
type AnyCall = typeof anyCall extends fc.Arbitrary<infer T> ? T : never;

function toEntry(c: AnyCall): CallEntry {
  const entry: CallEntry = {
    ...callEntry({
      callSid: c.callSid,
      status: c.status,
      agentId: c.agentId,
      campaignId: c.campaignId,
      startTime: new Date(NOW - c.startMs).toISOString(),
    }),
    ...(c.statusSinceMs === undefined ? {} : { statusSince: NOW - c.statusSinceMs }),
  };
  return c.ended ? { ...entry, endedAt: NOW } : entry;
}

const step = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('delta' as const),
      upserted: fc.array(anyCall, { maxLength: 3 }),
      removed: fc.array(fc.constantFrom(...IDS), { maxLength: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(3_000) }) },
);

describe('call aggregates kept from deltas', () => {
  it('equal the full computations after any sequence of deltas and clock ticks', () => {
    fc.assert(
      fc.property(fc.array(anyCall, { maxLength: 5 }), fc.array(step), (initial, steps) => {
        const store = createCallboardStore();
        store.getState().applySnapshot(emptySnapshot({ calls: initial.map(toEntry) }));
        const kpisOf = createCallKpiTracker();
        const agentsOf = createAgentIdsSelector();
        const liveOf = createActiveByCampaignSelector();
        let now = NOW;
        const check = () => {
          const { calls, callsChange } = store.getState();
          const kpis = kpisOf(calls, callsChange, now);
          const { longestWait, longestTalk, ...rest } = computeCallKpis(calls, now);
          expect(kpis).toMatchObject(rest);
          // On ties any holder will do; the seconds shown must match.
          expect(kpis.longestWait?.seconds).toBe(longestWait?.seconds);
          expect(kpis.longestTalk?.seconds).toBe(longestTalk?.seconds);
          expect(agentsOf(calls, callsChange)).toEqual(agentIds(calls));
          expect(liveOf(calls, callsChange)).toEqual(
            Object.fromEntries(activeCallsByCampaign(calls)),
          );
        };
        check();
        for (const st of steps) {
          if (st.kind === 'tick') now += st.ms;
          else {
            store.getState().applyDelta({
              callsUpserted: st.upserted.map(toEntry),
              callsRemoved: st.removed,
              at: now,
            });
          }
          check();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep their previous result when nothing they show changed', () => {
    const store = createCallboardStore();
    const a = callEntry({ callSid: 'A', agentId: 'ag-1', campaignId: 'K1' });
    store.getState().applySnapshot(emptySnapshot({ calls: [a] }));
    const agentsOf = createAgentIdsSelector();
    const liveOf = createActiveByCampaignSelector();
    const first = store.getState();
    const agents = agentsOf(first.calls, first.callsChange);
    const live = liveOf(first.calls, first.callsChange);
    store.getState().applyDelta({ callsUpserted: [{ ...a, receivedAt: NOW + 1 }], at: NOW + 1 });
    const next = store.getState();
    expect(agentsOf(next.calls, next.callsChange)).toBe(agents);
    expect(liveOf(next.calls, next.callsChange)).toBe(live);
  });
});
