import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert, AlertTarget } from '../../shared/alerts-types';
import { silentLogger } from '../../shared/log';
import type { MonitorCore } from '../../core/monitor/monitor-core';

// Electron's Notification, faked: the wiring (what is shown, what a click does) is ours.
const shown: FakeNotification[] = [];
class FakeNotification {
  static isSupported = () => true;
  handlers = new Map<string, (...args: unknown[]) => void>();
  closed = false;
  constructor(
    readonly options: { title: string; body: string; silent: boolean; urgency: string },
  ) {}
  on(event: string, handler: (...args: unknown[]) => void) {
    this.handlers.set(event, handler);
    return this;
  }
  show() {
    shown.push(this);
  }
  close() {
    this.closed = true;
  }
}
vi.mock('electron', () => ({ Notification: FakeNotification }));

const { initializeNotifier } = await import('./notifier');

function fakeCore() {
  let listener: ((a: Alert) => void) | null = null;
  const core = {
    onDidRaiseAlert: (l: (a: Alert) => void) => {
      listener = l;
      return () => (listener = null);
    },
  } as unknown as MonitorCore;
  return { core, raise: (a: Alert) => listener?.(a), subscribed: () => listener !== null };
}

const alert: Alert = {
  id: 'call-failed:call:a',
  kind: 'call-failed',
  severity: 'critical',
  title: 'Call failed',
  message: 'Ada (+1 555): failed',
  target: { type: 'call', callSid: 'a' },
  raisedAt: 1,
  lastSeenAt: 1,
  count: 1,
};

beforeEach(() => {
  shown.length = 0;
});

describe('notifier', () => {
  it('shows a notification per raised alert; a click reveals its target', () => {
    const { core, raise } = fakeCore();
    const revealed: AlertTarget[] = [];
    initializeNotifier({
      core,
      silent: () => true,
      reveal: (t) => revealed.push(t),
      logger: silentLogger,
    });
    raise(alert);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options).toMatchObject({
      title: 'Call failed',
      body: 'Ada (+1 555): failed',
      silent: true,
      urgency: 'critical',
    });
    shown[0]!.handlers.get('click')!();
    expect(revealed).toEqual([{ type: 'call', callSid: 'a' }]);
  });

  it('the disposer unsubscribes and closes what is still shown', () => {
    const { core, raise, subscribed } = fakeCore();
    const stop = initializeNotifier({
      core,
      silent: () => false,
      reveal: () => {},
      logger: silentLogger,
    });
    raise(alert);
    stop();
    expect(subscribed()).toBe(false);
    expect(shown[0]!.closed).toBe(true);
  });
});
