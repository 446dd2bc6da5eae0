import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts-types';
import type { Call } from '../../shared/domain/schemas';
import { silentLogger } from '../../shared/log';
import type { MonitorDelta } from '../../shared/monitor';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createFakeFeed, type FakeFeed } from '../feed/fake-feed.test-support';
import type { AlertObservation, AlertsPort } from './alerts-port';
import { manualClock, type ManualClock } from './clock';
import { createMonitorCore, type MonitorCore } from './monitor-core';

/** Records observations; raises one `call-failed` alert per call that ends failed. */
function recordingAlerts(): AlertsPort & { observations: AlertObservation[] } {
  const list: Alert[] = [];
  const observations: AlertObservation[] = [];
  return {
    observations,
    observe(o) {
      observations.push(o);
      const raised: Alert[] = [];
      for (const key of o.transition?.changes.callsUpserted ?? []) {
        const entry = o.transition!.state.calls.get(key);
        if (entry?.call.status === 'failed' && !list.some((a) => a.id === `call-failed:${key}`)) {
          const alert: Alert = {
            id: `call-failed:${key}`,
            kind: 'call-failed',
            severity: 'warning',
            title: 'Call failed',
            message: key,
            target: { type: 'call', callSid: key },
            raisedAt: o.now,
            lastSeenAt: o.now,
            count: 1,
          };
          list.push(alert);
          raised.push(alert);
        }
      }
      return { raised, changed: raised.length > 0 };
    },
    list: () => list.map((a) => ({ ...a })),
    acknowledge(id, now) {
      const a = list.find((x) => x.id === id);
      if (a) a.acknowledgedAt = now;
      return a !== undefined;
    },
    acknowledgeAll(now) {
      list.forEach((a) => (a.acknowledgedAt = now));
      return list.length > 0;
    },
    snooze(id, until) {
      const a = list.find((x) => x.id === id);
      if (a) a.snoozedUntil = until;
      return a !== undefined;
    },
    setThresholds() {},
  };
}

const call = (callSid: string, status: Call['status'], extra: Partial<Call> = {}): Call =>
  ({ callSid, status, ...extra }) as Call;

let core: MonitorCore | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

function setup(notifications = DEFAULT_SETTINGS.notifications) {
  const clock: ManualClock = manualClock();
  const feed: FakeFeed = createFakeFeed();
  const alerts = recordingAlerts();
  core = createMonitorCore({
    feed,
    mode: 'remote',
    target: 'http://127.0.0.1:7070',
    alerts,
    clock,
    logger: silentLogger,
    notifications: { ...notifications, kinds: { ...notifications.kinds, 'call-failed': true } },
    feedOptions: { terminalLingerMs: 5_000 },
    batchMs: 50,
    tickMs: 1_000,
  });
  const deltas: MonitorDelta[] = [];
  core.onDidChange((d) => deltas.push(d));
  const raised: Alert[] = [];
  core.onDidRaiseAlert((a) => raised.push(a));
  const goLive = () => {
    feed.setStatus({
      status: 'live',
      mode: 'remote',
      target: 'http://127.0.0.1:7070',
      protocol: 2,
    });
    feed.push({
      kind: 'snapshot',
      stream: 'calls',
      calls: [],
      epoch: 'e1',
      seq: 0,
      at: clock.now(),
    });
    feed.push({
      kind: 'snapshot',
      stream: 'campaigns',
      campaigns: [],
      epoch: 'e1',
      seq: 0,
      at: clock.now(),
    });
    clock.advance(50);
  };
  return { clock, feed, alerts, core, deltas, raised, goLive };
}

describe('monitor core', () => {
  it('starts the feed, shows connecting and stale until the first snapshot', () => {
    const { feed, core, clock } = setup();
    expect(feed.started).toBe(1);
    const snap = core.getSnapshot();
    expect(snap.connection).toMatchObject({
      status: 'connecting',
      mode: 'remote',
      staleSince: clock.now(),
    });
    expect(snap.calls).toEqual([]);
  });

  it('carries a simulated source into the connection state, and keeps it through reconnects', () => {
    const { feed, core, goLive } = setup();
    goLive();
    expect(core.getSnapshot().connection.simulated).toBeUndefined();
    feed.setStatus({ status: 'live', mode: 'remote', target: 'x', protocol: 2, simulated: true });
    expect(core.getSnapshot().connection.simulated).toBe(true);
    feed.setStatus({ status: 'reconnecting', mode: 'remote', target: 'x', simulated: true });
    expect(core.getSnapshot().connection).toMatchObject({
      status: 'reconnecting',
      simulated: true,
    });
  });

  it('carries the plan limit a server advertises into the connection state, and its change', () => {
    const { feed, core, goLive } = setup();
    goLive();
    expect(core.getSnapshot().connection.planLimit).toBeUndefined();
    feed.setStatus({ status: 'live', mode: 'remote', target: 'x', protocol: 2, planLimit: 40 });
    expect(core.getSnapshot().connection.planLimit).toBe(40);
    feed.setStatus({ status: 'live', mode: 'remote', target: 'x', protocol: 2, planLimit: 60 });
    expect(core.getSnapshot().connection.planLimit).toBe(60);
    feed.setStatus({ status: 'live', mode: 'remote', target: 'x', protocol: 2 });
    expect(core.getSnapshot().connection.planLimit).toBeUndefined();
  });

  it('carries the token scopes into the connection state and sends a delta when they change', () => {
    const { feed, core, clock, goLive, deltas } = setup();
    goLive();
    const status = { status: 'live', mode: 'remote', target: 'x', protocol: 2 } as const;
    expect(core.getSnapshot().connection.scopes).toBeUndefined();
    feed.setStatus({ ...status, scopes: ['calls', 'campaigns', 'outcomes'] });
    clock.advance(50);
    expect(core.getSnapshot().connection.scopes).toEqual(['calls', 'campaigns', 'outcomes']);
    expect(deltas.at(-1)?.connection?.scopes).toEqual(['calls', 'campaigns', 'outcomes']);
    // An admin gave the token transcripts; the server says so at the next subscribe.
    feed.setStatus({ ...status, scopes: ['calls', 'campaigns', 'outcomes', 'transcripts'] });
    clock.advance(50);
    expect(deltas.at(-1)?.connection?.scopes).toContain('transcripts');
    feed.setStatus(status);
    clock.advance(50);
    expect(core.getSnapshot().connection.scopes).toBeUndefined();
  });

  it('is live once the feed is live and both streams hold a snapshot', () => {
    const { feed, core, clock, goLive } = setup();
    feed.setStatus({ status: 'live', mode: 'remote', target: 'x', protocol: 2 });
    expect(core.getSnapshot().connection.status).toBe('resyncing');
    goLive();
    expect(core.getSnapshot().connection).toMatchObject({
      status: 'live',
      staleSince: null,
      protocol: 2,
    });
    clock.advance(10);
  });

  it('batches many events into one delta per window, latest state per key', () => {
    const { feed, clock, deltas, goLive } = setup();
    goLive();
    deltas.length = 0;
    for (let i = 0; i < 500; i += 1) {
      feed.push({
        kind: 'batch',
        stream: 'calls',
        calls: [
          call(`c${i % 10}`, i < 490 ? 'ringing' : 'in-progress', {
            updatedAt: new Date(1000 + i).toISOString(),
          }),
        ],
        removed: [],
        epoch: 'e1',
        fromSeq: i + 1,
        seq: i + 1,
        at: clock.now(),
      });
    }
    expect(deltas).toEqual([]);
    clock.advance(50);
    expect(deltas).toHaveLength(1);
    const delta = deltas[0]!;
    expect(delta.reset).toBeUndefined();
    expect(delta.callsUpserted).toHaveLength(10);
    expect(delta.callsUpserted!.every((e) => e.call.status === 'in-progress')).toBe(true);
  });

  it('sends a removal, not an upsert, for a call that came and went inside one window', async () => {
    const { feed, clock, deltas, goLive } = setup();
    goLive();
    deltas.length = 0;
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'ringing')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    await Promise.resolve(); // a later turn: applied on its own, not merged with the next
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [],
      removed: [{ callSid: 'a', reason: 'deleted' }],
      epoch: 'e1',
      fromSeq: 2,
      seq: 2,
      at: clock.now(),
    });
    clock.advance(50);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]!.callsUpserted).toBeUndefined();
    expect(deltas[0]!.callsRemoved).toEqual(['a']);
  });

  it('a call that fails and is deleted within one turn still raises its alert', async () => {
    const { feed, clock, raised, goLive } = setup();
    goLive();
    const batches = [
      { calls: [call('a', 'in-progress')], removed: [] },
      { calls: [call('a', 'failed')], removed: [] },
      { calls: [], removed: [{ callSid: 'a', reason: 'deleted' as const }] },
    ];
    batches.forEach((b, i) =>
      feed.push({
        kind: 'batch',
        stream: 'calls',
        ...b,
        epoch: 'e1',
        fromSeq: i + 1,
        seq: i + 1,
        at: clock.now(),
      }),
    );
    await Promise.resolve();
    expect(raised.map((a) => a.kind)).toContain('call-failed');
  });

  it('asks the feed to resync once on a gap, and shows resyncing until the snapshot', async () => {
    const { feed, core, clock, goLive } = setup();
    goLive();
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'ringing')],
      removed: [],
      epoch: 'e1',
      fromSeq: 5,
      seq: 5,
      at: clock.now(),
    });
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('b', 'ringing')],
      removed: [],
      epoch: 'e1',
      fromSeq: 6,
      seq: 6,
      at: clock.now(),
    });
    await Promise.resolve(); // messages of one turn are applied on the next microtask
    expect(feed.resyncs).toHaveLength(1);
    expect(feed.resyncs[0]!.stream).toBe('calls');
    expect(core.getSnapshot().connection.status).toBe('resyncing');
    expect(core.getSnapshot().connection.staleSince).not.toBeNull();
    feed.push({
      kind: 'snapshot',
      stream: 'calls',
      calls: [call('a', 'ringing'), call('b', 'ringing')],
      epoch: 'e1',
      seq: 6,
      at: clock.now(),
    });
    expect(core.getSnapshot().connection).toMatchObject({ status: 'live', staleSince: null });
    expect(
      core
        .getSnapshot()
        .calls.map((e) => e.call.callSid)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('keeps staleSince at the first moment through reconnect attempts', () => {
    const { feed, core, clock, goLive } = setup();
    goLive();
    clock.advance(1_000);
    const downAt = clock.now();
    feed.setStatus({
      status: 'reconnecting',
      mode: 'remote',
      target: 'x',
      attempt: 1,
      nextRetryAt: downAt + 1000,
      error: 'connection refused',
    });
    clock.advance(3_000);
    feed.setStatus({
      status: 'reconnecting',
      mode: 'remote',
      target: 'x',
      attempt: 2,
      nextRetryAt: downAt + 5000,
      error: 'connection refused',
    });
    expect(core.getSnapshot().connection).toMatchObject({
      status: 'reconnecting',
      attempt: 2,
      staleSince: downAt,
      error: 'connection refused',
    });
  });

  it('lets a terminal call linger, then removes it on the clock, with no new event', () => {
    const { feed, core, clock, deltas, goLive } = setup();
    goLive();
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'completed')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    clock.advance(50);
    expect(core.getSnapshot().calls).toHaveLength(1);
    deltas.length = 0;
    clock.advance(6_000);
    expect(core.getSnapshot().calls).toHaveLength(0);
    expect(deltas.some((d) => d.callsRemoved?.includes('a'))).toBe(true);
  });

  it('runs the alert engine on ticks, so duration rules can fire on time passing', () => {
    const { alerts, clock, goLive } = setup();
    goLive();
    const before = alerts.observations.length;
    clock.advance(3_000);
    expect(alerts.observations.length).toBeGreaterThanOrEqual(before + 3);
  });

  it('raises an alert to listeners and to the renderer, unless alerts are paused', () => {
    const { feed, core, clock, deltas, raised, goLive } = setup();
    goLive();
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'failed')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    clock.advance(50);
    expect(raised.map((a) => a.id)).toEqual(['call-failed:a']);
    expect(deltas.at(-1)!.alerts!.map((a) => a.id)).toEqual(['call-failed:a']);
    core.pauseAlerts(15);
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('b', 'failed')],
      removed: [],
      epoch: 'e1',
      fromSeq: 2,
      seq: 2,
      at: clock.now(),
    });
    clock.advance(50);
    expect(raised).toHaveLength(1);
    expect(core.getSnapshot().alerts).toHaveLength(2);
    expect(core.getSnapshot().alertsPausedUntil).toBe(clock.now() - 50 + 15 * 60_000);
  });

  it('respects notification preferences', () => {
    const { feed, core, clock, raised, goLive } = setup();
    goLive();
    core.setNotifications({
      ...DEFAULT_SETTINGS.notifications,
      kinds: { ...DEFAULT_SETTINGS.notifications.kinds, 'call-failed': false },
    });
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'failed')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    expect(raised).toEqual([]);
  });

  it('acknowledges and snoozes through the engine and publishes the new list', () => {
    const { feed, core, clock, deltas, goLive } = setup();
    goLive();
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'failed')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    clock.advance(50);
    expect(core.acknowledgeAlert('call-failed:a')).toBe(true);
    expect(core.acknowledgeAlert('nope')).toBe(false);
    clock.advance(50);
    expect(deltas.at(-1)!.alerts![0]!.acknowledgedAt).toBeDefined();
    expect(core.snoozeAlert('call-failed:a', 10)).toBe(true);
    expect(core.getSnapshot().alerts[0]!.snoozedUntil).toBe(clock.now() + 600_000);
  });

  it('switchFeed stops the old feed, unsubscribes, and resets the screen', async () => {
    const { feed, core, clock, deltas, goLive } = setup();
    goLive();
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'ringing')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    const next = createFakeFeed();
    await core.switchFeed({ feed: next, mode: 'demo', target: 'emulator' });
    expect(feed.stopped).toBe(1);
    expect(feed.listenerCount()).toBe(0);
    expect(next.started).toBe(1);
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('z', 'ringing')],
      removed: [],
      epoch: 'e1',
      fromSeq: 2,
      seq: 2,
      at: clock.now(),
    });
    clock.advance(50);
    const last = deltas.at(-1)!;
    expect(last.reset).toBeDefined();
    expect(last.reset!.calls).toEqual([]);
    expect(last.reset!.connection).toMatchObject({
      status: 'connecting',
      mode: 'demo',
      target: 'emulator',
    });
  });

  it('dispose stops the feed and leaves no timer behind', async () => {
    const { feed, core, clock } = setup();
    await core.dispose();
    expect(feed.stopped).toBe(1);
    expect(feed.listenerCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a throwing listener does not stop the others', () => {
    const { feed, core, clock, deltas, goLive } = setup();
    core.onDidChange(() => {
      throw new Error('renderer gone');
    });
    goLive();
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: [call('a', 'ringing')],
      removed: [],
      epoch: 'e1',
      fromSeq: 1,
      seq: 1,
      at: clock.now(),
    });
    clock.advance(50);
    expect(deltas.length).toBeGreaterThan(0);
  });
});
