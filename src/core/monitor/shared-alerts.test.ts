import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts-types';
import type { Call } from '../../shared/domain/schemas';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createFakeFeed } from '../feed/fake-feed.test-support';
import { manualClock } from './clock';
import { createMonitorCore, type MonitorCore } from './monitor-core';
import { createAlertsPort } from './shared-alerts';
import { initialFeedState } from '../../shared/feed/reducer';

// The monitor core wired to the real alert engine: the rules fire through the core, on
// events and on time passing, and reach onDidRaiseAlert and the deltas.

let core: MonitorCore | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

const thresholds = {
  ...DEFAULT_SETTINGS.alerts,
  waitingSeconds: 30,
  feedStaleSeconds: 10,
  cooldownSeconds: 60,
};

function setup() {
  const clock = manualClock(1_700_000_000_000);
  const feed = createFakeFeed();
  core = createMonitorCore({
    feed,
    mode: 'remote',
    target: 'srv',
    alerts: createAlertsPort(thresholds),
    clock,
    logger: silentLogger,
    notifications: {
      ...DEFAULT_SETTINGS.notifications,
      kinds: { ...DEFAULT_SETTINGS.notifications.kinds, 'call-failed': true },
    },
  });
  const raised: Alert[] = [];
  core.onDidRaiseAlert((a) => raised.push(a));
  let seq = 0;
  const calls = (...list: Call[]) => {
    seq += 1;
    feed.push({
      kind: 'batch',
      stream: 'calls',
      calls: list,
      removed: [],
      epoch: 'e',
      fromSeq: seq,
      seq,
      at: clock.now(),
    });
  };
  feed.setStatus({ status: 'live', mode: 'remote', target: 'srv', protocol: 2 });
  feed.push({ kind: 'snapshot', stream: 'calls', calls: [], epoch: 'e', seq: 0, at: clock.now() });
  feed.push({
    kind: 'snapshot',
    stream: 'campaigns',
    campaigns: [],
    epoch: 'e',
    seq: 0,
    at: clock.now(),
  });
  return { clock, feed, core, raised, calls };
}

const call = (callSid: string, status: Call['status'], startTime?: string) =>
  ({ callSid, status, ...(startTime ? { startTime } : {}) }) as Call;

describe('monitor core + alert engine', () => {
  it('a call that fails raises call-failed once', () => {
    const { clock, raised, calls, core } = setup();
    calls(call('a', 'ringing'));
    calls(call('a', 'failed'));
    clock.advance(2_000);
    expect(raised.map((a) => a.kind)).toEqual(['call-failed']);
    expect(raised[0]!.target).toEqual({ type: 'call', callSid: 'a' });
    expect(core.getSnapshot().alerts.map((a) => a.kind)).toEqual(['call-failed']);
  });

  it('a call left ringing raises call-waiting on time passing, with no new event', () => {
    const { clock, raised, calls } = setup();
    calls(call('w', 'ringing', new Date(clock.now()).toISOString()));
    clock.advance(10_000);
    expect(raised).toEqual([]);
    clock.advance(25_000);
    expect(raised.map((a) => a.kind)).toEqual(['call-waiting']);
  });

  it('a feed down longer than the threshold raises feed-down, and resolves when live again', () => {
    const { clock, raised, feed, core } = setup();
    clock.advance(1_000);
    feed.setStatus({
      status: 'reconnecting',
      mode: 'remote',
      target: 'srv',
      attempt: 1,
      error: 'refused',
    });
    clock.advance(5_000);
    expect(raised).toEqual([]);
    clock.advance(7_000);
    expect(raised.map((a) => a.kind)).toEqual(['feed-down']);
    feed.setStatus({ status: 'live', mode: 'remote', target: 'srv', protocol: 2 });
    clock.advance(1_000);
    expect(core.getSnapshot().alerts.find((a) => a.kind === 'feed-down')!.resolvedAt).toBeDefined();
  });

  it('acknowledge and snooze go through the engine; unknown ids are refused', () => {
    const { clock, calls, core } = setup();
    calls(call('a', 'failed'));
    clock.advance(100);
    const id = core.getSnapshot().alerts[0]!.id;
    expect(core.acknowledgeAlert(id)).toBe(true);
    expect(core.getSnapshot().alerts[0]!.acknowledgedAt).toBe(clock.now());
    expect(core.snoozeAlert(id, 5)).toBe(true);
    expect(core.acknowledgeAlert('nope')).toBe(false);
  });
});

describe('the alerts port: outcome rules read the recent window', () => {
  it('raises an agent success-rate alert from ended calls the active list no longer holds', () => {
    const now = 1_700_000_000_000;
    const port = createAlertsPort({
      ...thresholds,
      agentSuccessCalls: 4,
      agentSuccessRatePercent: 50,
    });
    // Four analysed calls of one agent, one success: 25 %, below the 50 % threshold.
    const recent = ['success', 'failure', 'failure', 'failure'].map((verdict, i) => ({
      call: {
        callSid: `CA${i}`,
        status: 'completed',
        agentId: 'agent_sales',
        endTime: new Date(now - (i + 1) * 60_000).toISOString(),
        callSuccessful: verdict,
      } as Call,
      receivedAt: now - 60_000,
      endedAt: now - (i + 1) * 60_000,
    }));
    const connection = {
      status: 'live',
      mode: 'remote',
      target: 'srv',
      protocol: 2,
      lastEventAt: now,
      staleSince: null,
    } as unknown as Parameters<ReturnType<typeof createAlertsPort>['observe']>[0]['connection'];
    const observe = (held: typeof recent) =>
      port.observe({
        cause: 'tick',
        before: initialFeedState(),
        transition: null,
        connection,
        recent: held,
        now,
      });
    expect(observe([]).raised).toEqual([]);
    const { raised } = observe(recent);
    expect(raised.map((a) => [a.kind, a.target])).toEqual([
      ['agent-success-rate', { type: 'agent', agentId: 'agent_sales' }],
    ]);
  });
});
