import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../shared/log';
import { appWebPreferences } from '../security/web-preferences';
import { saveWindowState } from './window-state';

// Electron's BrowserWindow and screen, faked: options, close-to-tray and bounds are ours.
const windows: FakeWindow[] = [];
class FakeWindow {
  handlers = new Map<string, (event: { preventDefault(): void }) => void>();
  hidden = false;
  maximized = false;
  webContents = {
    on: () => {},
    setWindowOpenHandler: () => {},
  };
  constructor(readonly options: Record<string, unknown>) {
    windows.push(this);
  }
  on(event: string, h: (event: { preventDefault(): void }) => void) {
    this.handlers.set(event, h);
  }
  once(event: string, h: (event: { preventDefault(): void }) => void) {
    this.handlers.set(event, h);
  }
  hide() {
    this.hidden = true;
  }
  maximize() {
    this.maximized = true;
  }
  isDestroyed = () => false;
  isMaximized = () => this.maximized;
  isMinimized = () => false;
  getBounds = () => ({ x: 50, y: 60, width: 1000, height: 700 });
  close() {
    let prevented = false;
    this.handlers.get('close')!({ preventDefault: () => (prevented = true) });
    return prevented;
  }
}
vi.mock('electron', () => ({
  BrowserWindow: FakeWindow,
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
}));
const { createMainWindow } = await import('./main-window');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-mainwin-'));
  windows.length = 0;
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function create(options: { closeToTray: boolean; quitting?: boolean }) {
  return createMainWindow({
    preloadPath: '/app/out/preload/index.js',
    load: async () => {},
    stateFile: join(dir, 'window-state.json'),
    closeToTray: () => options.closeToTray,
    isQuitting: () => options.quitting ?? false,
    logger: silentLogger,
    onDidLoad: () => {},
  });
}

describe('main window', () => {
  it('is created with the hardened webPreferences', async () => {
    await create({ closeToTray: true });
    expect(windows[0]!.options.webPreferences).toEqual(
      appWebPreferences('/app/out/preload/index.js'),
    );
    expect(windows[0]!.options.show).toBe(false);
  });

  it('closing hides it to the tray, and remembers the bounds', async () => {
    const main = await create({ closeToTray: true });
    expect(windows[0]!.close()).toBe(true);
    expect(windows[0]!.hidden).toBe(true);
    await main.flushState();
    const saved = JSON.parse(await readFile(join(dir, 'window-state.json'), 'utf8'));
    expect(saved.bounds).toEqual({ x: 50, y: 60, width: 1000, height: 700 });
  });

  it('closing really closes when close-to-tray is off, or when quitting', async () => {
    const a = await create({ closeToTray: false });
    expect(windows[0]!.close()).toBe(false);
    const b = await create({ closeToTray: true, quitting: true });
    expect(windows[1]!.close()).toBe(false);
    await Promise.all([a.flushState(), b.flushState()]);
  });

  it('reopens at the saved bounds, maximised if it was; off-screen bounds are ignored', async () => {
    await saveWindowState(join(dir, 'window-state.json'), {
      bounds: { x: 10, y: 20, width: 1200, height: 800 },
      maximized: true,
    });
    await create({ closeToTray: true });
    expect(windows[0]!.options).toMatchObject({ x: 10, y: 20, width: 1200, height: 800 });
    expect(windows[0]!.maximized).toBe(true);
    await saveWindowState(join(dir, 'window-state.json'), {
      bounds: { x: 5000, y: 20, width: 1200, height: 800 },
      maximized: false,
    });
    await create({ closeToTray: true });
    expect(windows[1]!.options.x).toBeUndefined();
    expect(windows[1]!.options.width).toBe(1280);
  });
});
