import { describe, expect, it } from 'vitest';
import { createCallboardStore } from '../store/create-store';
import { EMPTY_FILTERS } from '../store/types';
import { callEntry, campaignEntry, emptySnapshot, NOW } from '../test-support/memory-api';
import { createVisibleIdsSelector, matchesFilters, visibleCallIds } from './call-list';

const calls = {
  A: callEntry({
    callSid: 'A',
    contactName: 'Ann Lee',
    to: '+44 20 7946 0001',
    status: 'ringing',
    agentId: 'ag-2',
    campaignId: 'K1',
    startTime: new Date(NOW - 10_000).toISOString(),
  }),
  B: callEntry({
    callSid: 'B',
    contactName: 'Bob Stone',
    to: '+1 (555) 010-2000',
    status: 'in-progress',
    agentId: 'ag-1',
    campaignId: 'K2',
    startTime: new Date(NOW - 90_000).toISOString(),
  }),
  C: callEntry({
    callSid: 'C',
    to: '+33 1 23 45 67 89',
    status: 'queued',
    startTime: new Date(NOW - 30_000).toISOString(),
  }),
};
const campaigns = {
  K1: campaignEntry({ campaignId: 'K1', name: 'Winter renewals' }),
  K2: campaignEntry({ campaignId: 'K2', name: 'Autumn survey' }),
};

describe('visible calls', () => {
  it.each([
    [{ search: 'ann' }, ['A']],
    [{ search: 'STONE' }, ['B']],
    [{ search: '5550102' }, ['B']],
    [{ search: '+33 1' }, ['C']],
    [{ search: 'nobody' }, []],
    [{ status: 'queued' as const }, ['C']],
    [{ campaignId: 'K2' }, ['B']],
    [{ agentId: 'ag-2' }, ['A']],
    [{ agentId: 'ag-2', status: 'queued' as const }, []],
  ])('filter %j keeps %j', (patch, expected) => {
    const ids = visibleCallIds(
      calls,
      campaigns,
      { ...EMPTY_FILTERS, ...patch },
      { key: 'contact', direction: 'asc' },
    );
    expect(ids).toEqual(expected);
  });

  it.each([
    ['contact', 'asc', ['A', 'B', 'C']],
    ['contact', 'desc', ['C', 'B', 'A']],
    ['status', 'asc', ['C', 'A', 'B']],
    ['duration', 'desc', ['B', 'C', 'A']],
    ['duration', 'asc', ['A', 'C', 'B']],
    ['agent', 'asc', ['B', 'A', 'C']],
    ['campaign', 'asc', ['B', 'A', 'C']],
    ['number', 'asc', ['B', 'C', 'A']],
  ] as const)('sorts by %s %s', (key, direction, expected) => {
    expect(visibleCallIds(calls, campaigns, EMPTY_FILTERS, { key, direction })).toEqual(expected);
  });

  it('an empty search matches everything', () => {
    expect(matchesFilters(calls.C, { ...EMPTY_FILTERS, search: '   ' })).toBe(true);
  });

  it('returns the same id array when an update does not change the order', () => {
    const store = createCallboardStore();
    store.getState().applySnapshot(emptySnapshot({ calls: Object.values(calls) }));
    const select = createVisibleIdsSelector();
    const first = select(store.getState());
    store.getState().applyDelta({
      callsUpserted: [{ ...calls.B, call: { ...calls.B.call, agentId: 'ag-1' } }],
      at: NOW + 1,
    });
    expect(select(store.getState())).toBe(first);
    store.getState().applyDelta({ callsRemoved: ['A'], at: NOW + 2 });
    expect(select(store.getState())).not.toBe(first);
    expect(select(store.getState())).toEqual(first.filter((id) => id !== 'A'));
  });
});

describe('duration order of ended calls', () => {
  it('places an ended call by its final duration, as of when it ended', () => {
    const ended = {
      ...callEntry({
        callSid: 'E',
        status: 'completed',
        duration: 20,
        startTime: new Date(NOW - 100_000).toISOString(),
      }),
      endedAt: NOW,
    };
    const live = callEntry({
      callSid: 'L',
      status: 'in-progress',
      startTime: new Date(NOW - 30_000).toISOString(),
    });
    const ids = visibleCallIds({ E: ended, L: live }, {}, EMPTY_FILTERS, {
      key: 'duration',
      direction: 'desc',
    });
    expect(ids).toEqual(['L', 'E']);
  });
});
