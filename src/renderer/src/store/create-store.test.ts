import { describe, expect, it } from 'vitest';
import {
  alert,
  callEntry,
  campaignEntry,
  emptySnapshot,
  liveConnection,
  NOW,
} from '../test-support/memory-api';
import { createCallboardStore } from './create-store';

describe('callboard store', () => {
  it('starts loading and becomes ready with a snapshot', () => {
    const store = createCallboardStore();
    expect(store.getState().load).toEqual({ phase: 'loading' });
    store
      .getState()
      .applySnapshot(
        emptySnapshot({ calls: [callEntry({ callSid: 'CA1' })], alerts: [alert({ id: 'a1' })] }),
      );
    const s = store.getState();
    expect(s.load).toEqual({ phase: 'ready' });
    expect(Object.keys(s.calls)).toEqual(['CA1']);
    expect(s.alerts.map((a) => a.id)).toEqual(['a1']);
    expect(s.connection?.status).toBe('live');
  });

  it('replaces only the changed call entries, keeping the others by identity', () => {
    const store = createCallboardStore();
    store
      .getState()
      .applySnapshot(
        emptySnapshot({ calls: [callEntry({ callSid: 'CA1' }), callEntry({ callSid: 'CA2' })] }),
      );
    const before = store.getState().calls;
    store.getState().applyDelta({
      callsUpserted: [callEntry({ callSid: 'CA2', status: 'ringing' })],
      at: NOW + 1,
    });
    const after = store.getState().calls;
    expect(after).not.toBe(before);
    expect(after.CA1).toBe(before.CA1);
    expect(after.CA2?.call.status).toBe('ringing');
  });

  it('removes calls and campaigns named in a delta', () => {
    const store = createCallboardStore();
    store.getState().applySnapshot(
      emptySnapshot({
        calls: [callEntry({ callSid: 'CA1' }), callEntry({ callSid: 'CA2' })],
        campaigns: [campaignEntry({ campaignId: 'K1' })],
      }),
    );
    store.getState().applyDelta({ callsRemoved: ['CA1'], campaignsRemoved: ['K1'], at: NOW + 1 });
    expect(Object.keys(store.getState().calls)).toEqual(['CA2']);
    expect(store.getState().campaigns).toEqual({});
    expect(store.getState().campaignHistory.samples.K1).toBeDefined();
  });

  it('counts calls that turn terminal once, for the 15-minute outcome figures', () => {
    const store = createCallboardStore();
    store.getState().applySnapshot(emptySnapshot({ calls: [callEntry({ callSid: 'CA1' })] }));
    const ended = {
      ...callEntry({ callSid: 'CA1', status: 'completed', duration: 90 }),
      endedAt: NOW + 5,
    };
    store.getState().applyDelta({ callsUpserted: [ended], at: NOW + 5 });
    store.getState().applyDelta({ callsUpserted: [ended], at: NOW + 6 });
    store.getState().applyDelta({ callsRemoved: ['CA1'], at: NOW + 5005 });
    expect(store.getState().outcomes.samples).toEqual([
      { callSid: 'CA1', status: 'completed', at: NOW + 5, talkSeconds: 90 },
    ]);
    store.getState().applyDelta({ at: NOW + 16 * 60_000 });
    expect(store.getState().outcomes.samples).toEqual([]);
  });

  it('keeps alerts and connection unless a delta carries them', () => {
    const store = createCallboardStore();
    store.getState().applySnapshot(emptySnapshot({ alerts: [alert({ id: 'a1' })] }));
    store.getState().applyDelta({ at: NOW + 1 });
    expect(store.getState().alerts.map((a) => a.id)).toEqual(['a1']);
    const reconnecting = liveConnection({ status: 'reconnecting', attempt: 2, staleSince: NOW });
    store.getState().applyDelta({
      connection: reconnecting,
      alerts: [],
      alertsPausedUntil: NOW + 60_000,
      at: NOW + 2,
    });
    expect(store.getState().connection).toBe(reconnecting);
    expect(store.getState().alerts).toEqual([]);
    expect(store.getState().alertsPausedUntil).toBe(NOW + 60_000);
  });

  it('applies a reset as a whole new snapshot', () => {
    const store = createCallboardStore();
    store.getState().applySnapshot(emptySnapshot({ calls: [callEntry({ callSid: 'CA1' })] }));
    store.getState().applyDelta({
      reset: emptySnapshot({ calls: [callEntry({ callSid: 'CA9' })], at: NOW + 10 }),
      at: NOW + 10,
    });
    expect(Object.keys(store.getState().calls)).toEqual(['CA9']);
  });

  it('records campaign progress in the shared history as it moves', () => {
    const store = createCallboardStore();
    store.getState().applySnapshot(
      emptySnapshot({
        campaigns: [campaignEntry({ campaignId: 'K1', totalCalls: 100, completedCalls: 10 })],
      }),
    );
    store.getState().applyDelta({
      campaignsUpserted: [
        campaignEntry({ campaignId: 'K1', totalCalls: 100, completedCalls: 10 }, NOW + 1000),
      ],
      at: NOW + 1000,
    });
    store.getState().applyDelta({
      campaignsUpserted: [
        campaignEntry({ campaignId: 'K1', totalCalls: 100, completedCalls: 14 }, NOW + 2000),
      ],
      at: NOW + 2000,
    });
    expect(store.getState().campaignHistory.samples.K1).toEqual([
      { at: NOW, done: 10 },
      { at: NOW + 2000, done: 14 },
    ]);
  });

  it('sorts by a new column ascending and flips on the same column', () => {
    const store = createCallboardStore();
    store.getState().sortBy('agent');
    expect(store.getState().sort).toEqual({ key: 'agent', direction: 'asc' });
    store.getState().sortBy('agent');
    expect(store.getState().sort).toEqual({ key: 'agent', direction: 'desc' });
    store.getState().setFilters({ search: 'ann' });
    store.getState().setFilters({ status: 'ringing' });
    expect(store.getState().filters).toMatchObject({ search: 'ann', status: 'ringing' });
    store.getState().clearFilters();
    expect(store.getState().filters.search).toBe('');
  });
});
