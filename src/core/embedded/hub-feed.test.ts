import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import type { MonitorDelta } from '../../shared/monitor';
import { Hub } from '../../server/hub';
import type { AlertsPort } from '../monitor/alerts-port';
import { manualClock } from '../monitor/clock';
import { createMonitorCore, type MonitorCore } from '../monitor/monitor-core';
import { createHubFeed } from './hub-feed';

const noAlerts: AlertsPort = {
  observe: () => ({ raised: [], changed: false }),
  list: () => [],
  acknowledge: () => false,
  acknowledgeAll: () => false,
  snooze: () => false,
  setThresholds: () => {},
};

let hub: Hub | undefined;
let core: MonitorCore | undefined;
afterEach(async () => {
  await core?.dispose();
  hub?.close();
  core = hub = undefined;
});

function setup() {
  const clock = manualClock();
  hub = new Hub({ now: () => clock.now() });
  let closed = 0;
  const feed = createHubFeed({
    hub,
    mode: 'embedded',
    target: 'db:27017/callcenter',
    now: () => clock.now(),
    logger: silentLogger,
    close: async () => void (closed += 1),
  });
  core = createMonitorCore({
    feed,
    mode: 'embedded',
    target: 'db:27017/callcenter',
    alerts: noAlerts,
    clock,
    logger: silentLogger,
  });
  const deltas: MonitorDelta[] = [];
  core.onDidChange((d) => deltas.push(d));
  return { clock, hub, feed, core, deltas, closed: () => closed };
}

describe('hub feed (embedded mode without MongoDB)', () => {
  it('brings the core live from the hub snapshot and applies changes as batches', () => {
    const { clock, hub, core, deltas } = setup();
    hub.ingest('calls', [{ doc: { callSid: 'a', status: 'ringing' } }]);
    hub.flush();
    clock.advance(50);
    expect(core.getSnapshot().connection).toMatchObject({
      status: 'live',
      protocol: 2,
      mode: 'embedded',
    });
    expect(core.getSnapshot().calls.map((e) => e.call.callSid)).toEqual(['a']);
    hub.ingest('calls', [
      { doc: { callSid: 'a', status: 'in-progress' } },
      { doc: { callSid: 'b', status: 'queued' } },
    ]);
    hub.flush();
    clock.advance(50);
    const last = deltas.at(-1)!;
    expect(last.callsUpserted?.map((e) => `${e.call.callSid}:${e.call.status}`).sort()).toEqual([
      'a:in-progress',
      'b:queued',
    ]);
  });

  it('follows a new epoch (history lost) with a fresh snapshot, no hole', () => {
    const { clock, hub, core } = setup();
    hub.ingest('calls', [{ doc: { callSid: 'a', status: 'ringing' } }]);
    hub.flush();
    hub.reset('calls', [{ callSid: 'z', status: 'ringing' }], 'history lost');
    clock.advance(50);
    expect(core.getSnapshot().calls.map((e) => e.call.callSid)).toEqual(['z']);
    expect(core.getSnapshot().connection.status).toBe('live');
  });

  it('keeps a call with an unreadable field, without it, and reports the field', () => {
    const { clock, hub, feed, core } = setup();
    const problems: string[] = [];
    feed.onProblem((p) => problems.push(p));
    hub.ingest('calls', [
      { doc: { callSid: 'ok', status: 'ringing' } },
      { doc: { callSid: 'odd', status: 'on-fire', startTime: 'yesterday-ish' } },
    ]);
    hub.flush();
    clock.advance(50);
    const calls = core.getSnapshot().calls.map((e) => e.call);
    expect(calls.map((c) => [c.callSid, c.status, c.startTime])).toEqual([
      ['ok', 'ringing', undefined],
      ['odd', 'on-fire', undefined],
    ]);
    expect(problems).toEqual([
      'call odd: left out unreadable fields: startTime: "yesterday-ish" is not a date',
    ]);
  });

  it('stop() unsubscribes from the hub and closes what the feed owns', async () => {
    const { hub, core, closed } = setup();
    // calls, campaigns and the recent window
    expect(hub.counters().subscribers).toBe(3);
    await core.dispose();
    expect(hub.counters().subscribers).toBe(0);
    expect(closed()).toBe(1);
  });
});

describe('hub feed: the recent window', () => {
  it('holds a call that ended, then its late analysis, in snapshot and deltas', () => {
    const { clock, hub, core, deltas } = setup();
    hub.ingest('calls', [{ doc: { callSid: 'a', status: 'in-progress', agentId: 'ag1' } }]);
    hub.flush();
    clock.advance(50);
    expect(core.getSnapshot().recentStatus).toEqual({ status: 'live' });
    expect(core.getSnapshot().recent).toEqual([]);
    hub.ingest('calls', [{ doc: { callSid: 'a', status: 'completed', agentId: 'ag1' } }]);
    hub.flush();
    clock.advance(50);
    expect(core.getSnapshot().recent.map((e) => `${e.call.callSid}:${e.call.status}`)).toEqual([
      'a:completed',
    ]);
    const ended = deltas.findLast((d) => d.recentUpserted);
    expect(ended?.recentUpserted?.map((e) => e.call.callSid)).toEqual(['a']);
    expect(ended?.recentUpserted?.[0]?.call.callSuccessful).toBeUndefined();

    hub.ingest('calls', [
      {
        doc: {
          callSid: 'a',
          status: 'completed',
          agentId: 'ag1',
          analysis: { call_successful: 'success' },
        },
      },
    ]);
    hub.flush();
    clock.advance(50);
    const analysed = deltas.at(-1)!;
    expect(analysed.recentUpserted?.map((e) => e.call.callSuccessful)).toEqual(['success']);
    expect(core.getSnapshot().recent[0]?.call.callSuccessful).toBe('success');
  });

  it('a call deleted leaves the window', () => {
    const { clock, hub, core, deltas } = setup();
    hub.ingest('calls', [{ doc: { callSid: 'a', status: 'failed' } }]);
    hub.flush();
    clock.advance(50);
    expect(core.getSnapshot().recent.map((e) => e.call.callSid)).toEqual(['a']);
    hub.ingest('calls', [{ key: 'a', doc: null }]);
    hub.flush();
    clock.advance(50);
    expect(core.getSnapshot().recent).toEqual([]);
    expect(deltas.at(-1)?.recentRemoved).toEqual(['a']);
  });
});
