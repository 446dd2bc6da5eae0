import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATUSES } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import { createCallboardStore } from '../store/create-store';
import type { SortKey } from '../store/types';
import { callEntry, campaignEntry, emptySnapshot, NOW } from '../test-support/memory-api';
import { createVisibleIdsSelector, visibleCallIds } from './call-list';
import { compareRows, createSortedRows, type SortedRow } from './sorted-rows';

const RUNS = { numRuns: 300 };
const IDS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const SORT_KEYS: SortKey[] = ['contact', 'number', 'status', 'duration', 'agent', 'campaign'];

describe('sorted rows', () => {
  // One type per key in the app (numbers for status and duration, strings otherwise); few
  // distinct values, so ties (broken by id) are common.
  const opsOf = (value: fc.Arbitrary<string | number>) => {
    const row = fc.record({ id: fc.constantFrom(...IDS), value });
    return fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('insert' as const), row }),
        fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...IDS) }),
      ),
    );
  };
  const ops = fc.oneof(
    opsOf(fc.integer({ min: -3, max: 3 })),
    opsOf(fc.constantFrom('', 'a', 'B', 'b')),
  );

  it('after any inserts and removals, equals a full sort of the same rows', () => {
    fc.assert(
      fc.property(fc.constantFrom('asc' as const, 'desc' as const), ops, (dir, ops) => {
        const sorted = createSortedRows(dir);
        const held = new Map<string, SortedRow>();
        for (const o of ops) {
          const id = o.kind === 'insert' ? o.row.id : o.id;
          const old = held.get(id);
          if (old) expect(sorted.remove(old)).toBeGreaterThanOrEqual(0);
          held.delete(id);
          if (o.kind === 'insert') {
            sorted.insert(o.row);
            held.set(id, o.row);
          } else {
            expect(sorted.remove({ id, value: 0 })).toBe(-1);
          }
        }
        const sign = dir === 'asc' ? 1 : -1;
        const expected = [...held.values()].sort((a, b) => compareRows(a, b, sign));
        expect(sorted.ids()).toEqual(expected.map((r) => r.id));
      }),
      RUNS,
    );
  });
});

describe('incremental visible ids', () => {
  const anyCall = fc.record({
    callSid: fc.constantFrom(...IDS),
    status: fc.constantFrom(...CALL_STATUSES),
    contactName: fc.option(fc.constantFrom('Ann', 'bob', 'Cy', 'ann'), { nil: undefined }),
    agentId: fc.option(fc.constantFrom('ag-1', 'ag-2'), { nil: undefined }),
    campaignId: fc.option(fc.constantFrom('K1', 'K2', 'K9'), { nil: undefined }),
    to: fc.constantFrom('+1 555 0100', '+44 20 0001', '+33 1 23'),
    second: fc.nat(120),
    ended: fc.boolean(),
  });
  type AnyCall = typeof anyCall extends fc.Arbitrary<infer T> ? T : never;
  const toEntry = (c: AnyCall): CallEntry => {
    const entry = callEntry({
      callSid: c.callSid,
      status: c.status,
      contactName: c.contactName,
      agentId: c.agentId,
      campaignId: c.campaignId,
      to: c.to,
      startTime: new Date(NOW - c.second * 1000).toISOString(),
    });
    return c.ended ? { ...entry, endedAt: NOW } : entry;
  };
  const delta = fc.record({
    upserted: fc.array(anyCall, { maxLength: 3 }),
    removed: fc.array(fc.constantFrom(...IDS), { maxLength: 2 }),
  });
  const step = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('delta' as const), delta }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('view' as const),
        sort: fc.constantFrom(...SORT_KEYS),
        status: fc.constantFrom('' as const, 'ringing' as const, 'in-progress' as const),
        agentId: fc.constantFrom('', 'ag-1'),
      }),
    },
  );

  it('after any sequence of deltas and view changes, equals a full filter and sort', () => {
    fc.assert(
      fc.property(fc.array(anyCall, { maxLength: 5 }), fc.array(step), (initial, steps) => {
        const store = createCallboardStore();
        store.getState().applySnapshot(
          emptySnapshot({
            calls: initial.map(toEntry),
            campaigns: [
              campaignEntry({ campaignId: 'K1', name: 'Winter' }),
              campaignEntry({ campaignId: 'K2', name: 'autumn' }),
            ],
          }),
        );
        const select = createVisibleIdsSelector();
        const check = () => {
          const s = store.getState();
          expect(select(s)).toEqual(visibleCallIds(s.calls, s.campaigns, s.filters, s.sort));
          expect(s.callCount).toBe(Object.keys(s.calls).length);
        };
        check();
        for (const st of steps) {
          if (st.kind === 'delta') {
            store.getState().applyDelta({
              callsUpserted: st.delta.upserted.map(toEntry),
              callsRemoved: st.delta.removed,
              at: NOW,
            });
          } else {
            store.getState().sortBy(st.sort);
            store.getState().setFilters({ status: st.status, agentId: st.agentId });
          }
          check();
        }
      }),
      RUNS,
    );
  });

  it('keeps the same array when a change moves no row', () => {
    const store = createCallboardStore();
    const a = callEntry({ callSid: 'A', contactName: 'Ann' });
    const b = callEntry({ callSid: 'B', contactName: 'Bob' });
    store.getState().applySnapshot(emptySnapshot({ calls: [a, b] }));
    store.getState().sortBy('contact');
    const select = createVisibleIdsSelector();
    const before = select(store.getState());
    store.getState().applyDelta({ callsUpserted: [{ ...a, receivedAt: NOW + 1 }], at: NOW + 1 });
    expect(select(store.getState())).toBe(before);
    store.getState().applyDelta({
      callsUpserted: [callEntry({ callSid: 'A', contactName: 'Zed' })],
      at: NOW + 2,
    });
    expect(select(store.getState())).toEqual(['B', 'A']);
  });
});
