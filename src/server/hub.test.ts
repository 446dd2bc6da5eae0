import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub } from './hub';
import type { HubEvent, SubscriberBackpressure } from './hub-types';

const call = (callSid: string, status: string, extra: Record<string, unknown> = {}) => ({
  _id: `id-${callSid}`,
  callSid,
  status,
  ...extra,
});

function collect() {
  const events: HubEvent[] = [];
  return { events, listener: (event: HubEvent) => events.push(event) };
}

let epochCounter = 0;
const hubs: Hub[] = [];
function makeHub(options: ConstructorParameters<typeof Hub>[0] = {}) {
  const hub = new Hub({ newEpoch: () => `e${++epochCounter}`, ...options });
  hubs.push(hub);
  return hub;
}
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

describe('Hub', () => {
  it('gives a new subscriber the active snapshot with the current cursor', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'ringing'), call('b', 'completed'), call('c', 'queued')]);
    const { events, listener } = collect();
    const sub = hub.subscribe('calls', {}, listener);
    expect(sub.mode).toBe('snapshot');
    expect(events).toHaveLength(1);
    const snap = events[0]!;
    expect(snap.type).toBe('snapshot');
    if (snap.type !== 'snapshot') return;
    expect(snap.docs.map((d) => d.callSid).sort()).toEqual(['a', 'c']);
    expect(snap.seq).toBe(hub.seq('calls'));
    expect(snap.epoch).toBe(hub.epoch);
    sub();
  });

  it('coalesces changes per key inside a flush window: latest wins, one seq per key', () => {
    const hub = makeHub();
    const { events, listener } = collect();
    hub.subscribe('calls', {}, listener);
    hub.ingest('calls', [{ doc: call('a', 'initiated') }, { doc: call('b', 'queued') }]);
    hub.ingest('calls', [{ doc: call('a', 'ringing') }, { doc: call('a', 'in-progress') }]);
    hub.flush();
    const changes = events[1]!;
    expect(changes.type).toBe('changes');
    if (changes.type !== 'changes') return;
    expect(changes.fromSeq).toBe(1);
    expect(changes.seq).toBe(2);
    expect(changes.entries.map((e) => [e.seq, e.key, e.doc?.status])).toEqual([
      [1, 'a', 'in-progress'],
      [2, 'b', 'queued'],
    ]);
    expect(hub.counters()).toMatchObject({ eventsIn: 4, entriesOut: 2, batchesOut: 1 });
  });

  it('flushes on its own when idle', async () => {
    const hub = makeHub();
    const events: HubEvent[] = [];
    const got = new Promise<void>((resolve) => {
      hub.subscribe('calls', {}, (event) => {
        events.push(event);
        if (event.type === 'changes') resolve();
      });
    });
    hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
    await got;
    expect(events.at(-1)).toMatchObject({ type: 'changes', seq: 1 });
  });

  describe('adaptive flush window', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A hub whose flushes cost `cost` ms on its monotonic clock (each subscriber's listener spends it). */
    function pacedHub(options: ConstructorParameters<typeof Hub>[0] = {}) {
      vi.useFakeTimers({
        toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'],
      });
      let clock = 1000;
      let cost = 0;
      const hub = makeHub({ monotonic: () => clock, ...options });
      const seqs: number[] = [];
      hub.subscribe('calls', {}, (event) => {
        clock += cost;
        if (event.type === 'changes') seqs.push(event.seq);
      });
      return {
        hub,
        seqs,
        setCost: (ms: number) => (cost = ms),
        advance: (ms: number) => {
          clock += ms;
          vi.advanceTimersByTime(ms);
        },
      };
    }

    it('waits the last flush cost over the budget before the next flush', () => {
      const t = pacedHub({ flushBudget: 0.25, flushIntervalMs: 16 });
      t.setCost(2);
      t.hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
      t.advance(0); // idle: the first change goes out on the next turn
      expect(t.seqs).toEqual([1]);
      expect(t.hub.counters().flushWindowMs).toBe(8);
      t.hub.ingest('calls', [{ doc: call('b', 'ringing') }]);
      t.hub.ingest('calls', [{ doc: call('c', 'ringing') }]);
      t.advance(5); // 2 ms of the 8 ms window were spent in the flush itself
      expect(t.seqs).toEqual([1]);
      t.advance(1);
      expect(t.seqs).toEqual([1, 3]); // b and c in one flush
    });

    it('flushes a cheap stream at once even under a steady stream of changes', () => {
      const t = pacedHub({ flushBudget: 0.25, flushIntervalMs: 16 });
      t.setCost(0);
      for (let i = 0; i < 5; i++) {
        t.hub.ingest('calls', [{ doc: call(`k${i}`, 'ringing') }]);
        t.advance(0);
        expect(t.seqs).toHaveLength(i + 1);
      }
      expect(t.hub.counters().flushWindowMs).toBe(0);
    });

    it('never waits longer than flushIntervalMs, however costly a flush was', () => {
      const t = pacedHub({ flushBudget: 0.25, flushIntervalMs: 16 });
      t.setCost(10);
      t.hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
      t.advance(0);
      expect(t.hub.counters().flushWindowMs).toBe(16);
      t.hub.ingest('calls', [{ doc: call('b', 'ringing') }]);
      t.advance(5);
      expect(t.seqs).toEqual([1]);
      t.advance(1);
      expect(t.seqs).toEqual([1, 2]);
    });

    it('refuses a budget outside (0, 1]', () => {
      expect(() => new Hub({ flushBudget: 0 })).toThrow(/flushBudget must be in \(0, 1\], got 0/);
      expect(() => new Hub({ flushBudget: 1.5 })).toThrow(/got 1.5/);
    });
  });

  it('shows a call written active again after it ended, as a restart would', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'in-progress')]);
    hub.ingest('calls', [{ doc: call('a', 'completed') }]);
    hub.flush();
    hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
    hub.flush();
    expect(hub.snapshot('calls').docs.map((d) => d.status)).toEqual(['ringing']);
    // Ending it again sends the outcome again.
    const { events, listener } = collect();
    hub.subscribe('calls', {}, listener);
    hub.ingest('calls', [{ doc: call('a', 'failed') }]);
    hub.flush();
    expect(events.filter((e) => e.type === 'changes')).toHaveLength(1);
    expect(hub.snapshot('calls').docs).toEqual([]);
  });

  it('sends the outcome of a call that turned terminal once', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'in-progress')]);
    const { events, listener } = collect();
    hub.subscribe('calls', {}, listener);
    hub.ingest('calls', [{ doc: call('a', 'completed') }]);
    hub.flush();
    hub.ingest('calls', [{ doc: call('a', 'in-progress') }, { doc: call('a', 'completed') }]);
    hub.flush();
    const changes = events.filter((e) => e.type === 'changes');
    expect(changes).toHaveLength(1);
    expect(hub.snapshot('calls').docs).toEqual([]);
  });

  it('removes a deleted document found by its _id', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'ringing')]);
    const { events, listener } = collect();
    hub.subscribe('calls', {}, listener);
    hub.ingest('calls', [
      { id: 'id-a', doc: null },
      { id: 'unknown', doc: null },
    ]);
    hub.flush();
    expect(events[1]).toMatchObject({ type: 'changes', entries: [{ key: 'a', doc: null }] });
    expect(hub.snapshot('calls').docs).toEqual([]);
  });

  it('replays exactly the missed entries to a subscriber that comes back with since', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'ringing')]);
    const before = hub.cursor('calls');
    hub.ingest('calls', [{ doc: call('b', 'queued') }]);
    hub.flush();
    hub.ingest('calls', [{ doc: call('a', 'in-progress') }]);
    hub.flush();
    const { events, listener } = collect();
    const sub = hub.subscribe('calls', { since: before }, listener);
    expect(sub.mode).toBe('replay');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'changes', replay: true, fromSeq: before.seq + 1 });
    if (events[0]!.type !== 'changes') return;
    expect(events[0]!.entries.map((e) => [e.key, e.doc?.status])).toEqual([
      ['b', 'queued'],
      ['a', 'in-progress'],
    ]);
  });

  it('replays nothing when the subscriber is up to date', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'ringing')]);
    const { events, listener } = collect();
    const sub = hub.subscribe('calls', { since: hub.cursor('calls') }, listener);
    expect(sub.mode).toBe('replay');
    expect(events).toEqual([]);
  });

  it('sends a snapshot when since is older than the ring, from another epoch, or ahead', () => {
    const hub = makeHub({ ringCapacity: 2 });
    hub.load('calls', [call('a', 'ringing')]);
    const old = hub.cursor('calls');
    for (const status of ['queued', 'ringing', 'in-progress']) {
      hub.ingest('calls', [{ doc: call('b', status) }]);
      hub.flush();
    }
    for (const since of [
      old,
      { epoch: 'other', seq: hub.seq('calls') },
      { epoch: hub.epoch, seq: hub.seq('calls') + 5 },
    ]) {
      const { events, listener } = collect();
      const sub = hub.subscribe('calls', { since }, listener);
      expect(sub.mode).toBe('snapshot');
      expect(events.map((e) => e.type)).toEqual(['snapshot']);
      sub();
    }
  });

  it('starts a new epoch on reset and resyncs every subscriber of both streams', () => {
    const hub = makeHub();
    hub.load('calls', [call('a', 'ringing')]);
    const calls = collect();
    const campaigns = collect();
    hub.subscribe('calls', {}, calls.listener);
    hub.subscribe('campaigns', {}, campaigns.listener);
    const oldEpoch = hub.epoch;
    hub.reset('calls', [call('z', 'queued')], 'history lost');
    expect(hub.epoch).not.toBe(oldEpoch);
    expect(hub.seq('calls')).toBe(0);
    expect(calls.events.at(-1)).toMatchObject({ type: 'snapshot', epoch: hub.epoch, seq: 0 });
    expect((calls.events.at(-1) as { resync?: string }).resync).toMatch(/history lost/);
    expect(campaigns.events.at(-1)).toMatchObject({ type: 'snapshot', epoch: hub.epoch });
    expect(hub.snapshot('calls').docs.map((d) => d.callSid)).toEqual(['z']);
    hub.ingest('calls', [{ doc: call('z', 'ringing') }]);
    hub.flush();
    expect(calls.events.at(-1)).toMatchObject({ type: 'changes', fromSeq: 1, seq: 1 });
  });

  describe('backpressure', () => {
    function fakeSocket() {
      let saturated = false;
      let drain: (() => void) | null = null;
      const backpressure: SubscriberBackpressure = {
        isSaturated: () => saturated,
        onDrain: (listener) => {
          drain = listener;
          return () => {
            drain = null;
          };
        },
      };
      return {
        backpressure,
        saturate: () => (saturated = true),
        drain: () => {
          saturated = false;
          const fire = drain;
          drain = null;
          fire?.();
        },
      };
    }

    it('holds a slow subscriber without buffering for it, then catches it up from the ring', () => {
      const hub = makeHub({ ringCapacity: 100 });
      const slow = fakeSocket();
      const slowEvents = collect();
      const fastEvents = collect();
      hub.subscribe('calls', { backpressure: slow.backpressure }, slowEvents.listener);
      hub.subscribe('calls', {}, fastEvents.listener);
      slow.saturate();
      for (let i = 0; i < 10; i++) {
        hub.ingest('calls', [{ doc: call(`c${i}`, 'queued') }]);
        hub.flush();
      }
      expect(slowEvents.events.map((e) => e.type)).toEqual(['snapshot']);
      expect(fastEvents.events).toHaveLength(11);
      expect(hub.counters().slowConsumerHolds).toBe(1);
      slow.drain();
      const last = slowEvents.events.at(-1)!;
      expect(last).toMatchObject({ type: 'changes', replay: true, fromSeq: 1, seq: 10 });
    });

    it('times a held subscriber from the first change it missed to its catch-up', async () => {
      let clock = 10_000;
      const hub = makeHub({ now: () => clock });
      const slow = fakeSocket();
      hub.subscribe('calls', { backpressure: slow.backpressure }, () => {});
      hub.subscribe('calls', {}, () => {});
      slow.saturate();
      hub.ingest('calls', [{ doc: call('a', 'queued') }]); // at 10.000 s
      clock += 40;
      hub.flush(); // the fast one has it after 40 ms; the slow one is held
      clock += 100;
      hub.ingest('calls', [{ doc: call('b', 'queued') }]);
      clock += 10;
      hub.flush(); // the fast one: 10 ms
      clock += 350;
      slow.drain(); // the slow one gets both, 500 ms after 'a' arrived

      const latency = (await hub.histograms.deliveryLatency.get()).values;
      const sample = (name: string, le?: number) =>
        latency.find((v) => v.metricName === name && (le === undefined || v.labels.le === le))
          ?.value;
      expect(sample('callboard_hub_delivery_latency_seconds_count')).toBe(3);
      expect(sample('callboard_hub_delivery_latency_seconds_sum')).toBeCloseTo(0.04 + 0.01 + 0.5);
      expect(sample('callboard_hub_delivery_latency_seconds_bucket', 0.01)).toBe(1);
      expect(sample('callboard_hub_delivery_latency_seconds_bucket', 0.05)).toBe(2);
      expect(sample('callboard_hub_delivery_latency_seconds_bucket', 0.25)).toBe(2);
      expect(sample('callboard_hub_delivery_latency_seconds_bucket', 0.5)).toBe(3);
      const lag = (await hub.histograms.flushLag.get()).values;
      expect(lag.find((v) => v.metricName?.endsWith('_sum'))?.value).toBeCloseTo(0.04 + 0.01);
    });

    it('gives a subscriber that fell out of the ring a fresh snapshot, memory bounded', () => {
      const hub = makeHub({ ringCapacity: 5 });
      const slow = fakeSocket();
      const { events, listener } = collect();
      hub.subscribe('calls', { backpressure: slow.backpressure }, listener);
      slow.saturate();
      for (let i = 0; i < 1000; i++) {
        hub.ingest('calls', [{ doc: call(`c${i % 50}`, i % 2 ? 'ringing' : 'queued') }]);
        hub.flush();
      }
      // Nothing queued per subscriber: only the shared ring, which is bounded.
      expect(events).toHaveLength(1);
      slow.drain();
      expect(events).toHaveLength(2);
      const snap = events[1]!;
      expect(snap).toMatchObject({ type: 'snapshot', seq: 1000 });
      expect((snap as { resync?: string }).resync).toMatch(/slow consumer/);
      expect(hub.counters().slowConsumerResyncs).toBe(1);
    });
  });

  it('keeps serving the others when a listener throws', () => {
    const errors: unknown[] = [];
    const hub = makeHub({ onListenerError: (e) => errors.push(e) });
    hub.subscribe('calls', {}, (event) => {
      if (event.type === 'changes') throw new Error('boom');
    });
    const good = collect();
    hub.subscribe('calls', {}, good.listener);
    hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
    hub.flush();
    expect(good.events).toHaveLength(2);
    expect(errors).toHaveLength(1);
  });

  it('drops changes without a key and counts them', () => {
    const hub = makeHub();
    hub.ingest('calls', [{ doc: { status: 'ringing' } }]);
    hub.flush();
    expect(hub.counters()).toMatchObject({ eventsIn: 1, eventsDropped: 1, entriesOut: 0 });
  });
});
