import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../shared/domain/schemas';
import type { RecentMessage } from '../../shared/feed/recent-state';
import { silentLogger } from '../../shared/log';
import type { MonitorDelta } from '../../shared/monitor';
import type { SinceCursor } from '../../shared/protocol/events';
import { createFakeFeed } from '../feed/fake-feed.test-support';
import type { Feed } from '../feed/feed';
import { RECENT_UNAVAILABLE, type RecentPort, type RecentPortEvent } from '../feed/recent-port';
import type { AlertsPort } from './alerts-port';
import { manualClock } from './clock';
import { createMonitorCore, type MonitorCore } from './monitor-core';

const noAlerts: AlertsPort = {
  observe: () => ({ raised: [], changed: false }),
  list: () => [],
  acknowledge: () => false,
  acknowledgeAll: () => false,
  snooze: () => false,
  setThresholds: () => {},
};

/** A recent port driven by hand; records what the core asked of it. */
function handPort() {
  let listener: ((event: RecentPortEvent) => void) | null = null;
  const resyncs: (SinceCursor | undefined)[] = [];
  const port: RecentPort = {
    subscribe(l) {
      listener = l;
      return () => void (listener = null);
    },
    resync: (since) => void resyncs.push(since),
  };
  return {
    port,
    resyncs,
    send: (message: RecentMessage) => listener?.({ type: 'message', message }),
    tell: (event: RecentPortEvent) => listener?.(event),
    subscribed: () => listener !== null,
  };
}

const ended = (callSid: string, extra: Partial<Call> = {}) =>
  ({ callSid, status: 'completed', ...extra }) as Call;

let core: MonitorCore | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

function setup(port: RecentPort | undefined) {
  const clock = manualClock();
  const feed: Feed = { ...createFakeFeed(), ...(port ? { recent: port } : {}) };
  core = createMonitorCore({
    feed,
    mode: 'remote',
    target: 'http://srv',
    alerts: noAlerts,
    clock,
    logger: silentLogger,
    batchMs: 50,
  });
  const deltas: MonitorDelta[] = [];
  core.onDidChange((d) => deltas.push(d));
  return { clock, core, deltas };
}

describe('monitor core: the recent window', () => {
  it('a source without a recent port says so at once', () => {
    const { core } = setup(undefined);
    expect(core.getSnapshot().recentStatus).toEqual({
      status: 'unavailable',
      message: RECENT_UNAVAILABLE,
    });
  });

  it('a snapshot resets, a batch goes out as recent deltas, a gap resyncs since the held cursor', () => {
    const hand = handPort();
    const { clock, core, deltas } = setup(hand.port);
    expect(hand.subscribed()).toBe(true);
    expect(core.getSnapshot().recentStatus).toEqual({ status: 'waiting' });
    hand.send({ kind: 'snapshot', calls: [ended('a')], epoch: 'e1', seq: 4, at: clock.now() });
    clock.advance(50);
    expect(deltas.at(-1)?.reset?.recent.map((e) => e.call.callSid)).toEqual(['a']);
    expect(deltas.at(-1)?.reset?.recentStatus).toEqual({ status: 'live' });

    hand.send({
      kind: 'batch',
      calls: [ended('a', { callSuccessful: 'success' }), ended('b')],
      removed: [],
      epoch: 'e1',
      fromSeq: 5,
      seq: 6,
      at: clock.now(),
    });
    clock.advance(50);
    const delta = deltas.at(-1)!;
    expect(delta.reset).toBeUndefined();
    expect(
      delta.recentUpserted?.map((e) => `${e.call.callSid}:${e.call.callSuccessful ?? ''}`),
    ).toEqual(['a:success', 'b:']);

    const gap = { kind: 'batch' as const, calls: [ended('c')], removed: [], epoch: 'e1', at: 1 };
    hand.send({ ...gap, fromSeq: 9, seq: 9 });
    hand.send({ ...gap, fromSeq: 10, seq: 10 }); // still in the hole: asked once
    expect(hand.resyncs).toEqual([{ epoch: 'e1', seq: 6 }]);
    hand.send({ ...gap, fromSeq: 7, seq: 10 }); // the replay fills it
    clock.advance(50);
    expect(
      core
        .getSnapshot()
        .recent.map((e) => e.call.callSid)
        .sort(),
    ).toEqual(['a', 'b', 'c']);

    hand.send({ ...gap, epoch: 'e2', fromSeq: 1, seq: 1 });
    expect(hand.resyncs.at(-1)).toBeUndefined();
    expect(hand.resyncs).toHaveLength(2);
  });

  it('an unavailable source goes out as a status delta', () => {
    const hand = handPort();
    const { clock, deltas } = setup(hand.port);
    hand.tell({ type: 'unavailable', message: 'the server refused the recent calls: no' });
    clock.advance(50);
    expect(deltas.at(-1)?.recentStatus).toEqual({
      status: 'unavailable',
      message: 'the server refused the recent calls: no',
    });
  });
});
