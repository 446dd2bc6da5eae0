import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../alerts-types';
import {
  applyFeedMessage,
  callsEndedBy,
  campaignsEndedBy,
  initialFeedState,
} from '../feed/reducer';
import { call, callsBatch, campaign, campaignsBatch } from '../feed/test-helpers';
import type { FeedMessage, FeedState } from '../feed/types';
import type { ConnectionState } from '../monitor';
import { acknowledgeAlert, acknowledgeAllAlerts, snoozeAlert } from './actions';
import {
  activeAlerts,
  createAlertEngineState,
  evaluateAlerts,
  isAlertActive,
  type AlertEngineState,
} from './engine';

const S = 1000;
const T0 = Date.parse('2026-11-26T20:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const thresholds: AlertThresholds = {
  // The AI-agent rules have tests of their own (./outcome-rules.test.ts).
  ...DEFAULT_ALERT_THRESHOLDS,
  waitingSeconds: 60,
  longCallMinutes: 15,
  campaignFailureRatePercent: 30,
  campaignMinCalls: 20,
  feedStaleSeconds: 30,
  cooldownSeconds: 300,
  quietCallMinutes: 180,
};
const live: ConnectionState = {
  status: 'live',
  mode: 'remote',
  target: 'http://127.0.0.1:7070',
  since: T0,
  staleSince: null,
  lastEventAt: T0,
};

/** Drives the reducer and the engine the way the monitor core does. */
function harness(options: { historyLimit?: number } = {}) {
  let feed: FeedState = initialFeedState();
  let engine: AlertEngineState = createAlertEngineState();
  let connection: ConnectionState | null = live;
  return {
    /** Applies messages at `now` (or just time passing), evaluates, returns notified ids. */
    at(now: number, messages: FeedMessage[] = [], next?: Partial<ConnectionState>): string[] {
      if (next) connection = { ...connection!, ...next };
      const endedCalls = [];
      const endedCampaigns = [];
      for (const message of messages) {
        const before = feed;
        const t = applyFeedMessage(before, message, { terminalLingerMs: 5 * S });
        endedCalls.push(...callsEndedBy(before, t));
        endedCampaigns.push(...campaignsEndedBy(before, t));
        feed = t.state;
      }
      const r = evaluateAlerts(
        engine,
        { feed, connection, endedCalls, endedCampaigns },
        thresholds,
        now,
        options,
      );
      engine = r.state;
      return r.notify.map((a) => a.id);
    },
    get engine() {
      return engine;
    },
    set engine(value: AlertEngineState) {
      engine = value;
    },
    alert(id: string) {
      return engine.alerts.find((a) => a.id === id);
    },
  };
}

describe('call-failed (on the transition)', () => {
  it.each([
    ['failed', 'Call failed'],
    ['busy', 'Line busy'],
    ['no-answer', 'No answer'],
  ] as const)('%s raises "%s" once', (status, title) => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'ringing', { contactName: 'Ana', to: '+1555' })], T0)]);
    const failed = callsBatch([call('a', status, { contactName: 'Ana', to: '+1555' })], T0 + S);
    expect(h.at(T0 + S, [failed])).toEqual(['call-failed:call:a']);
    expect(h.alert('call-failed:call:a')).toMatchObject({
      kind: 'call-failed',
      severity: 'warning',
      title,
      message: `Ana (+1555): ${status}`,
      target: { type: 'call', callSid: 'a' },
      raisedAt: T0 + S,
      count: 1,
    });
    expect(h.at(T0 + 2 * S, [failed])).toEqual([]); // replayed event: nothing new
    expect(h.at(T0 + 60 * S)).toEqual([]); // time passing: still one alert, still open
    expect(isAlertActive(h.alert('call-failed:call:a')!, T0 + 60 * S)).toBe(true);
  });

  it('does not alert on completed or canceled calls', () => {
    const h = harness();
    expect(h.at(T0, [callsBatch([call('a', 'completed'), call('b', 'canceled')], T0)])).toEqual([]);
    expect(h.engine.alerts).toEqual([]);
  });
});

describe('call-waiting and call-long (on time passing)', () => {
  it('raises at the threshold, once, resolves when answered, then honours the cooldown', () => {
    const h = harness();
    const ringing = call('a', 'ringing', { startTime: iso(T0) });
    const steps: [number, FeedMessage[], string[]][] = [
      [T0, [callsBatch([ringing], T0)], []],
      [T0 + 59 * S, [], []],
      [T0 + 60 * S, [], ['call-waiting:call:a']],
      [T0 + 61 * S, [], []],
      [
        T0 + 70 * S,
        [callsBatch([call('a', 'in-progress', { startTime: iso(T0) })], T0 + 70 * S)],
        [],
      ],
      // Back to ringing (a transfer): within 300 s of the resolution, not raised again...
      [T0 + 100 * S, [callsBatch([ringing], T0 + 100 * S)], []],
      [T0 + 369 * S, [], []],
      // ...and raised again once the cooldown is over.
      [T0 + 370 * S, [], ['call-waiting:call:a']],
    ];
    for (const [now, messages, notified] of steps) {
      expect(h.at(now, messages), `at +${(now - T0) / S} s`).toEqual(notified);
      if (now === T0 + 70 * S) {
        expect(h.alert('call-waiting:call:a')).toMatchObject({ resolvedAt: T0 + 70 * S });
      }
    }
    expect(h.alert('call-waiting:call:a')).toMatchObject({ count: 2, raisedAt: T0 + 370 * S });
    expect(h.alert('call-waiting:call:a')!.resolvedAt).toBeUndefined();
  });

  it('raises call-long after longCallMinutes in progress, resolves when the call ends', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'ringing')], T0)]);
    h.at(T0 + 5 * S, [callsBatch([call('a', 'in-progress')], T0 + 5 * S)]);
    expect(h.at(T0 + 5 * S + 15 * 60 * S - 1)).toEqual([]);
    expect(h.at(T0 + 5 * S + 15 * 60 * S)).toEqual(['call-long:call:a']);
    expect(h.alert('call-long:call:a')).toMatchObject({ severity: 'info', title: 'Long call' });
    h.at(T0 + 20 * 60 * S, [callsBatch([call('a', 'completed')], T0 + 20 * 60 * S)]);
    expect(h.alert('call-long:call:a')!.resolvedAt).toBe(T0 + 20 * 60 * S);
  });

  it('resolves when the call leaves the feed', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'queued', { startTime: iso(T0 - 120 * S) })], T0)]);
    expect(h.alert('call-waiting:call:a')).toBeDefined();
    h.at(T0 + S, [{ kind: 'snapshot', stream: 'calls', calls: [], at: T0 + S }]);
    expect(h.alert('call-waiting:call:a')!.resolvedAt).toBe(T0 + S);
    expect(activeAlerts(h.engine, T0 + S)).toEqual([]);
  });
});

describe('campaign rules', () => {
  const counts = (done: number, failed: number) =>
    campaign('K', 'running', {
      name: 'Renewals',
      totalCalls: 100,
      completedCalls: done,
      failedCalls: failed,
    });

  it.each<[string, number, number, boolean]>([
    ['below the minimum number of calls', 19, 19, false],
    ['at the threshold exactly', 20, 6, false],
    ['above the threshold', 20, 7, true],
  ])('failure rate %s', (_name, done, failed, raised) => {
    const h = harness();
    const notified = h.at(T0, [campaignsBatch([counts(done, failed)], T0)]);
    expect(notified).toEqual(raised ? ['campaign-failure-rate:campaign:K'] : []);
  });

  it('failure rate resolves when it drops, message names the figures', () => {
    const h = harness();
    h.at(T0, [campaignsBatch([counts(20, 8)], T0)]);
    expect(h.alert('campaign-failure-rate:campaign:K')).toMatchObject({
      severity: 'critical',
      message: 'Renewals: 40% of 20 calls failed (limit 30%)',
    });
    h.at(T0 + S, [campaignsBatch([counts(40, 8)], T0 + S)]);
    expect(h.alert('campaign-failure-rate:campaign:K')!.resolvedAt).toBe(T0 + S);
  });

  it('campaign completed raises on the transition', () => {
    const h = harness();
    h.at(T0, [campaignsBatch([counts(90, 5)], T0)]);
    const done = campaign('K', 'completed', {
      name: 'Renewals',
      totalCalls: 100,
      completedCalls: 100,
    });
    expect(h.at(T0 + S, [campaignsBatch([done], T0 + S)])).toEqual([
      'campaign-completed:campaign:K',
    ]);
    expect(h.alert('campaign-completed:campaign:K')).toMatchObject({
      severity: 'info',
      message: 'Renewals: 100 of 100 calls done',
    });
    // An archived (not completed) campaign raises nothing.
    const other = campaign('Z', 'archived');
    expect(h.at(T0 + 2 * S, [campaignsBatch([other], T0 + 2 * S)])).toEqual([]);
  });
});

describe('feed-down', () => {
  it.each<[string, Partial<ConnectionState>, number, boolean]>([
    ['reconnecting, not yet long enough', { status: 'reconnecting', since: T0 }, 29, false],
    ['reconnecting long enough', { status: 'reconnecting', since: T0 }, 30, true],
    ['live but stale', { status: 'live', staleSince: T0 }, 30, true],
    ['failed', { status: 'failed', since: T0, error: 'connection refused' }, 31, true],
    ['connecting at start-up', { status: 'connecting', since: T0 }, 45, true],
    ['stopped on purpose', { status: 'stopped', since: T0 }, 3600, false],
    ['live and fresh', {}, 3600, false],
  ])('%s', (_name, connection, seconds, raised) => {
    const h = harness();
    h.at(T0, [], connection);
    expect(h.at(T0 + seconds * S)).toEqual(raised ? ['feed-down:feed'] : []);
  });

  it('names the target and error, resolves when live again', () => {
    const h = harness();
    h.at(T0, [], { status: 'reconnecting', since: T0, error: 'connection refused' });
    h.at(T0 + 40 * S);
    expect(h.alert('feed-down:feed')!.message).toBe(
      'http://127.0.0.1:7070: reconnecting for 40 s: connection refused; the screen may be out of date',
    );
    h.at(T0 + 50 * S, [], { status: 'live', since: T0 + 50 * S, staleSince: null });
    expect(h.alert('feed-down:feed')!.resolvedAt).toBe(T0 + 50 * S);
  });

  it('does not resolve call alerts while the feed is down', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'ringing', { startTime: iso(T0 - 90 * S) })], T0)]);
    expect(h.alert('call-waiting:call:a')!.resolvedAt).toBeUndefined();
    h.at(T0 + S, [], { status: 'reconnecting', since: T0 + S });
    h.at(T0 + 60 * S);
    expect(h.alert('call-waiting:call:a')!.resolvedAt).toBeUndefined();
    expect(h.alert('feed-down:feed')).toBeDefined();
  });

  it('freezes call duration rules while the feed is down', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'ringing', { startTime: iso(T0) })], T0)]);
    h.at(T0 + 10 * S, [], { status: 'reconnecting', since: T0 + 10 * S });
    expect(h.at(T0 + 90 * S)).toEqual(['feed-down:feed']);
    expect(h.alert('call-waiting:call:a')).toBeUndefined();
    expect(h.at(T0 + 95 * S, [], { status: 'live', since: T0 + 95 * S })).toEqual([
      'call-waiting:call:a',
    ]);
  });
});

describe('acknowledge, snooze, pause, history', () => {
  const failedAt = (h: ReturnType<typeof harness>, sid: string, now: number) =>
    h.at(now, [callsBatch([call(sid, 'failed')], now)]);

  it('acknowledge closes an alert; a re-raise after the cooldown opens it again', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'queued', { startTime: iso(T0 - 61 * S) })], T0)]);
    const ack = acknowledgeAlert(h.engine, 'call-waiting:call:a', T0 + S);
    expect(ack.ok).toBe(true);
    if (ack.ok) h.engine = ack.state;
    expect(activeAlerts(h.engine, T0 + S)).toEqual([]);
    expect(h.at(T0 + 2 * S)).toEqual([]); // still holds, acknowledged: quiet
    h.at(T0 + 3 * S, [callsBatch([call('a', 'in-progress')], T0 + 3 * S)]);
    h.at(T0 + 400 * S, [callsBatch([call('a', 'queued', { startTime: iso(T0) })], T0 + 400 * S)]);
    expect(h.alert('call-waiting:call:a')!.acknowledgedAt).toBeUndefined();
    expect(acknowledgeAlert(h.engine, 'nope', T0)).toEqual({
      ok: false,
      code: 'not-found',
      message: 'no alert "nope"',
    });
  });

  it('acknowledge all', () => {
    const h = harness();
    failedAt(h, 'a', T0);
    failedAt(h, 'b', T0 + S);
    const state = acknowledgeAllAlerts(h.engine, T0 + 2 * S);
    expect(state.alerts.every((a) => a.acknowledgedAt === T0 + 2 * S)).toBe(true);
    expect(acknowledgeAllAlerts(state, T0 + 3 * S)).toBe(state);
  });

  it('a snoozed alert is not active and a re-raise while snoozed is not notified', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'queued', { startTime: iso(T0 - 61 * S) })], T0)]);
    const snoozed = snoozeAlert(h.engine, 'call-waiting:call:a', T0 + 3600 * S, T0);
    if (!snoozed.ok) throw new Error(snoozed.message);
    h.engine = snoozed.state;
    expect(activeAlerts(h.engine, T0 + S)).toEqual([]);
    h.at(T0 + S, [callsBatch([call('a', 'in-progress')], T0 + S)]);
    expect(
      h.at(T0 + 400 * S, [
        callsBatch([call('a', 'ringing', { startTime: iso(T0) })], T0 + 400 * S),
      ]),
    ).toEqual([]);
    expect(h.alert('call-waiting:call:a')).toMatchObject({ count: 2, snoozedUntil: T0 + 3600 * S });
    expect(activeAlerts(h.engine, T0 + 3601 * S).map((a) => a.id)).toEqual(['call-waiting:call:a']);
  });

  it.each([
    ['a snooze in the past', (e: AlertEngineState) => snoozeAlert(e, 'x', T0 - 1, T0), /future/],
    ['a NaN snooze', (e: AlertEngineState) => snoozeAlert(e, 'x', Number.NaN, T0), /finite time/],
  ])('refuses %s', (_name, act, message) => {
    const r = act(createAlertEngineState());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('keeps the history bounded, dropping closed alerts first', () => {
    const h = harness({ historyLimit: 3 });
    failedAt(h, 'a', T0);
    failedAt(h, 'b', T0 + S);
    const acked = acknowledgeAlert(h.engine, 'call-failed:call:a', T0 + S);
    if (acked.ok) h.engine = acked.state;
    failedAt(h, 'c', T0 + 2 * S);
    failedAt(h, 'd', T0 + 3 * S);
    expect(h.engine.alerts.map((a) => a.id)).toEqual([
      'call-failed:call:d',
      'call-failed:call:c',
      'call-failed:call:b',
    ]);
    failedAt(h, 'e', T0 + 4 * S);
    expect(h.engine.alerts).toHaveLength(3);
    expect(h.engine.alerts[0]!.id).toBe('call-failed:call:e');
  });

  it('never drops a holding duration alert to stay in bounds (it would be notified again)', () => {
    const h = harness({ historyLimit: 3 });
    failedAt(h, 'f', T0 - S);
    const waiting = ['a', 'b', 'c', 'd', 'e'].map((sid) =>
      call(sid, 'queued', { startTime: iso(T0 - 120 * S) }),
    );
    expect(h.at(T0, [callsBatch(waiting, T0)])).toHaveLength(5);
    const acked = acknowledgeAlert(h.engine, 'call-waiting:call:a', T0);
    if (acked.ok) h.engine = acked.state;
    expect(h.engine.alerts.map((a) => a.kind)).toEqual(Array(5).fill('call-waiting'));
    expect(h.at(T0 + S)).toEqual([]);
    expect(h.at(T0 + 2 * S)).toEqual([]);
    expect(h.engine.alerts).toHaveLength(5);
  });

  it('returns the same state when nothing changed', () => {
    const h = harness();
    h.at(T0, [callsBatch([call('a', 'ringing', { startTime: iso(T0) })], T0)]);
    const before = h.engine;
    const r = evaluateAlerts(
      before,
      { feed: initialFeedState(), connection: live },
      thresholds,
      T0 + S,
    );
    expect(r).toEqual({ state: before, notify: [], changed: false });
  });
});
