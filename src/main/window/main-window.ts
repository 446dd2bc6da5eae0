import { BrowserWindow, screen } from 'electron';
import type { Logger } from '../../shared/log';
import { appWebPreferences } from '../security/web-preferences';
import { loadWindowState, saveWindowState, visibleBounds, type WindowState } from './window-state';

/**
 * The one app window. Closing it hides it to the tray when settings say so (the app keeps
 * watching and notifying); its bounds are remembered in window-state.json.
 */
export interface MainWindowDeps {
  preloadPath: string;
  /** Loads the renderer: loadFile(out/renderer/index.html) or the dev server URL. */
  load(window: BrowserWindow): Promise<void>;
  stateFile: string;
  closeToTray(): boolean;
  isQuitting(): boolean;
  logger: Logger;
  onDidLoad(window: BrowserWindow): void;
}

export interface MainWindow {
  window: BrowserWindow;
  /** Resolves when the last bounds save has reached the disk (shutdown awaits it). */
  flushState(): Promise<void>;
}

export async function createMainWindow(deps: MainWindowDeps): Promise<MainWindow> {
  const saved = await loadWindowState(deps.stateFile);
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const bounds = visibleBounds(saved.bounds, displays);
  const window = new BrowserWindow({
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 800,
    ...(bounds ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Callboard',
    backgroundColor: '#111418',
    webPreferences: appWebPreferences(deps.preloadPath),
  });
  if (saved.maximized) window.maximize();
  // Navigation, window.open and <webview> are refused for every web contents, this one
  // included, by the app-wide 'web-contents-created' hook in ../index.ts.
  window.once('ready-to-show', () => window.show());
  window.webContents.on('did-finish-load', () => deps.onDidLoad(window));

  let lastState: WindowState = saved;
  let saving: Promise<void> = Promise.resolve();
  const remember = () => {
    if (window.isDestroyed()) return;
    lastState = {
      bounds: window.isMaximized() || window.isMinimized() ? lastState.bounds : window.getBounds(),
      maximized: window.isMaximized(),
    };
  };
  window.on('resize', remember);
  window.on('move', remember);
  window.on('close', (event) => {
    remember();
    const state = lastState;
    saving = saving
      .then(() => saveWindowState(deps.stateFile, state))
      .catch((error: unknown) => deps.logger.warn('could not save the window position', { error }));
    if (!deps.isQuitting() && deps.closeToTray()) {
      event.preventDefault();
      window.hide();
    }
  });
  await deps.load(window);
  return { window, flushState: () => saving };
}
