import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from './hub';
import type { HubEvent } from './hub-types';

// The `recent` stream: ended calls of the last hour, with the updates that reach them after
// they ended (post-call analysis), while the active list keeps sending each end once.

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-04T10:00:00Z');

const call = (callSid: string, status: string, extra: Record<string, unknown> = {}) => ({
  _id: `id-${callSid}`,
  callSid,
  status,
  ...extra,
});

const hubs: Hub[] = [];
let clock = T0;
function makeHub(options: ConstructorParameters<typeof Hub>[0] = {}) {
  const hub = new Hub({ now: () => clock, newEpoch: () => 'e1', ...options });
  hubs.push(hub);
  return hub;
}
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
  clock = T0;
  vi.useRealTimers();
});

/** What a subscriber holds after applying every event: key -> status, and the exits seen. */
function follow(hub: Hub, stream: 'calls' | 'recent') {
  const held = new Map<string, string>();
  const exits: { key: string; exit: string | undefined }[] = [];
  const events: HubEvent[] = [];
  hub.subscribe(stream, {}, (event) => {
    events.push(event);
    if (event.type === 'snapshot') {
      held.clear();
      for (const doc of event.docs) held.set(String(doc.callSid), String(doc.status));
      return;
    }
    for (const entry of event.entries) {
      if (entry.doc === null) {
        held.delete(entry.key);
        exits.push({ key: entry.key, exit: entry.exit });
      } else held.set(entry.key, String(entry.doc.status));
    }
  });
  return { held, exits, events };
}

describe('Hub recent window', () => {
  it('holds a call from its end, and delivers the analysis that lands after it', () => {
    const hub = makeHub();
    const active = follow(hub, 'calls');
    const recent = follow(hub, 'recent');
    hub.ingest('calls', [{ doc: call('a', 'in-progress') }]);
    hub.flush();
    expect([...recent.held]).toEqual([]);
    hub.ingest('calls', [{ doc: call('a', 'completed') }]);
    hub.flush();
    expect(recent.held.get('a')).toBe('completed');
    const activeEventsAfterEnd = active.events.length;
    // The post-call analysis: an update of a call already ended.
    hub.ingest('calls', [{ doc: call('a', 'done', { analysis: { call_successful: 'success' } }) }]);
    hub.flush();
    expect(recent.held.get('a')).toBe('done');
    const last = recent.events.at(-1)!;
    expect(last.type === 'changes' && last.entries[0]!.doc?.analysis).toEqual({
      call_successful: 'success',
    });
    // The active list sent the end once and nothing of the late update.
    expect(active.events.length).toBe(activeEventsAfterEnd);
  });

  it('lets a call go once it ended more than the window ago, with the reason', () => {
    vi.useFakeTimers({ now: T0 });
    const hub = makeHub({ recent: { windowMinutes: 60 } });
    const recent = follow(hub, 'recent');
    hub.ingest('calls', [{ doc: call('a', 'completed') }]);
    hub.flush();
    clock = T0 + 30 * MINUTE;
    hub.ingest('calls', [{ doc: call('b', 'failed') }]);
    hub.flush();
    expect([...recent.held.keys()].sort()).toEqual(['a', 'b']);
    clock = T0 + 61 * MINUTE;
    vi.advanceTimersByTime(61 * MINUTE);
    hub.flush();
    expect([...recent.held.keys()]).toEqual(['b']);
    expect(recent.exits).toEqual([{ key: 'a', exit: 'expired' }]);
  });

  it('places a call by its endTime, so a restart does not make old calls recent', () => {
    const hub = makeHub();
    const recent = follow(hub, 'recent');
    const old = new Date(T0 - 2 * 60 * MINUTE).toISOString();
    const lately = new Date(T0 - 10 * MINUTE).toISOString();
    hub.load('recent', [
      call('old', 'completed', { endTime: old }),
      call('late', 'completed', { endTime: lately }),
      call('future', 'completed', { endTime: new Date(T0 + MINUTE).toISOString() }),
    ]);
    // A bad or future time counts from now: the call is kept, not dropped.
    expect([...recent.held.keys()].sort()).toEqual(['future', 'late']);
  });

  it('keeps at most the limit, letting the oldest ended go first', () => {
    const hub = makeHub({ recent: { limit: 3 } });
    const recent = follow(hub, 'recent');
    for (const [i, sid] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      clock = T0 + i * MINUTE;
      hub.ingest('calls', [{ doc: call(sid, 'completed') }]);
      hub.flush();
    }
    expect([...recent.held.keys()].sort()).toEqual(['c', 'd', 'e']);
    expect(recent.exits.map((e) => [e.key, e.exit])).toEqual([
      ['a', 'expired'],
      ['b', 'expired'],
    ]);
  });

  it('lets a call go when it is active again or deleted', () => {
    const hub = makeHub();
    const recent = follow(hub, 'recent');
    hub.ingest('calls', [{ doc: call('a', 'completed') }, { doc: call('b', 'completed') }]);
    hub.flush();
    hub.ingest('calls', [{ doc: call('a', 'in-progress') }, { id: 'id-b', doc: null }]);
    hub.flush();
    expect(recent.held.size).toBe(0);
    expect(recent.exits).toEqual([
      { key: 'a', exit: 'active' },
      { key: 'b', exit: undefined },
    ]);
  });

  it('ignores active calls and never sends campaigns', () => {
    const hub = makeHub();
    const recent = follow(hub, 'recent');
    hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
    hub.ingest('campaigns', [{ doc: { campaignId: 'k', status: 'completed' } }]);
    hub.flush();
    expect(recent.events).toHaveLength(1); // the snapshot only
  });

  it('replays what a returning subscriber missed, like the other streams', () => {
    const hub = makeHub();
    hub.ingest('calls', [{ doc: call('a', 'completed') }]);
    hub.flush();
    const cursor = hub.cursor('recent');
    hub.ingest('calls', [{ doc: call('a', 'done') }, { doc: call('b', 'failed') }]);
    hub.flush();
    const events: HubEvent[] = [];
    const sub = hub.subscribe('recent', { since: cursor }, (e) => events.push(e));
    expect(sub.mode).toBe('replay');
    expect(events).toHaveLength(1);
    const replay = events[0]!;
    expect(replay.type === 'changes' && replay.entries.map((e) => [e.key, e.doc?.status])).toEqual([
      ['a', 'done'],
      ['b', 'failed'],
    ]);
  });

  it('refuses a window or limit that makes no sense, by name', () => {
    expect(() => new Hub({ recent: { windowMinutes: 0 } })).toThrow(/recent needs windowMinutes/);
    expect(() => new Hub({ recent: { limit: 1.5 } })).toThrow(/integer limit/);
  });

  it('stops its sweep timer on close', () => {
    vi.useFakeTimers({ now: T0 });
    const hub = makeHub();
    hub.ingest('calls', [{ doc: call('a', 'completed') }]);
    hub.flush();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    hub.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
