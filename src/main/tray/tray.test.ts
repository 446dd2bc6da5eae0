import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MonitorCore } from '../../core/monitor/monitor-core';
import type { Call } from '../../shared/domain/schemas';
import type { MonitorSnapshot } from '../../shared/monitor';

// Electron's Tray, Menu and nativeImage, faked: what is painted and what the menu does is ours.
const trays: FakeTray[] = [];
class FakeTray {
  image: string;
  tooltip = '';
  menu: { label?: string; type?: string; enabled?: boolean; click?: () => void }[] = [];
  destroyed = false;
  handlers = new Map<string, () => void>();
  constructor(image: { path: string }) {
    this.image = image.path;
    trays.push(this);
  }
  on(event: string, h: () => void) {
    this.handlers.set(event, h);
  }
  setImage(image: { path: string }) {
    this.image = image.path;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: FakeTray['menu'] }) {
    this.menu = menu.items;
  }
  destroy() {
    this.destroyed = true;
  }
}
vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
}));
const { initializeTray } = await import('./tray');

afterEach(() => {
  trays.length = 0;
  vi.useRealTimers();
});

function fakeCore(snapshot: MonitorSnapshot) {
  let listener: (() => void) | null = null;
  const core = {
    getSnapshot: () => snapshot,
    onDidChange: (l: () => void) => ((listener = l), () => (listener = null)),
  } as unknown as MonitorCore;
  return { core, change: () => listener?.(), subscribed: () => listener !== null };
}

const snapshot: MonitorSnapshot = {
  calls: [{ call: { callSid: 'a', status: 'ringing' } as Call, receivedAt: 0 }],
  campaigns: [],
  recent: [],
  recentStatus: { status: 'waiting' },
  connection: {
    status: 'live',
    mode: 'demo',
    target: 'emulator',
    since: 0,
    staleSince: null,
    lastEventAt: 0,
  },
  alerts: [],
  alertsPausedUntil: null,
  at: 0,
};

describe('tray', () => {
  it('paints the icon and tooltip, and the menu dispatches actions', () => {
    vi.useFakeTimers();
    const { core } = fakeCore(snapshot);
    const actions: string[] = [];
    const stop = initializeTray({
      core,
      iconFolder: '/icons',
      onAction: (a) => actions.push(a),
      now: () => 0,
    });
    const tray = trays[0]!;
    expect(tray.image).toBe('/icons/live-16.png');
    expect(tray.tooltip).toBe('Callboard: 1 active call, 0 campaigns');
    tray.menu.find((i) => i.label === 'Pause alerts for 1 hour')!.click!();
    tray.menu.find((i) => i.label === 'Quit Callboard')!.click!();
    tray.handlers.get('click')!();
    expect(actions).toEqual(['pause-60', 'quit', 'show-window']);
    expect(tray.menu.find((i) => i.label?.startsWith('Mode:'))!.enabled).toBe(false);
    stop();
    expect(tray.destroyed).toBe(true);
  });

  it('repaints after changes, at most once a second', () => {
    vi.useFakeTimers();
    const live = { ...snapshot };
    const { core, change, subscribed } = fakeCore(live);
    const stop = initializeTray({ core, iconFolder: '/icons', onAction: () => {}, now: () => 0 });
    live.connection = { ...snapshot.connection, status: 'reconnecting', staleSince: 0, attempt: 2 };
    change();
    change();
    expect(trays[0]!.image).toBe('/icons/live-16.png');
    vi.advanceTimersByTime(1_000);
    expect(trays[0]!.image).toBe('/icons/disconnected-16.png');
    stop();
    expect(subscribed()).toBe(false);
  });
});
