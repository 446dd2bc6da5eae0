import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  type BrowserWindow,
  dialog,
  ipcMain,
  net,
  protocol,
  safeStorage,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import { createDefaultFeedDeps } from '../core/embedded/default-feed-deps';
import { createFeedForSettings } from '../core/embedded/feed-factory';
import { testConnectionFor } from '../core/embedded/test-connection';
import { createRemoteFeed } from '../core/feed/remote-feed';
import { systemClock } from '../core/monitor/clock';
import { installFailurePolicy } from '../core/process/failure-policy';
import { createAlertsPort } from '../core/monitor/shared-alerts';
import type { AlertTarget } from '../shared/alerts-types';
import { createLogger, formatLogLine, type LogLevel, type LogSink } from '../shared/log';
import { writePrivateFile } from '../server/private-file';
import { createAppController } from './app/controller';
import { createCsvSaver } from './export/save-csv';
import { createShutdown } from './app/shutdown';
import { createIpcHandlers } from './ipc/handle';
import { initializeDeltaPush, initializeTranscriptPush, sendReveal, type Send } from './ipc/push';
import { registerApiHandlers } from './ipc/register-api';
import { createFileSink } from './log/file-sink';
import { initializeNotifier } from './notifications/notifier';
import { allowedAppFile } from './security/app-files';
import { isAppUrl, type AppLocation } from './security/app-origin';
import { hardenSession, hardenWebContents, serveAppFiles } from './security/harden';
import { contentSecurityPolicy } from './security/web-preferences';
import { safeStorageCipher } from './settings/secret-cipher';
import { createSettingsStore } from './settings/settings-store';
import { initializeTray } from './tray/tray';
import type { TrayAction } from './tray/tray-model';
import { createMainWindow } from './window/main-window';

// The composition root of the Electron main process (docs/desktop.md). Everything is built
// here and handed its dependencies; every part's closer goes to `shutdown`.

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function main(): void {
  // Tests (e2e/electron) give each launch its own folder; set before anything reads it.
  const userDataOverride = process.env.CALLBOARD_USER_DATA_DIR;
  if (userDataOverride) app.setPath('userData', userDataOverride);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const userData = app.getPath('userData');
  const logFile = join(userData, 'logs', 'callboard.log');
  const fileSink = createFileSink(logFile);
  // Last thing on the way out, after the shutdown steps have logged.
  process.once('exit', () => fileSink.close());
  const sinks: LogSink[] = [fileSink.sink];
  // eslint-disable-next-line no-console
  if (!app.isPackaged) sinks.push((record) => console.error(formatLogLine(record)));
  const envLevel = process.env.CALLBOARD_LOG_LEVEL as LogLevel | undefined;
  const logger = createLogger({
    sink: (record) => sinks.forEach((sink) => sink(record)),
    level: envLevel && LEVELS.includes(envLevel) ? envLevel : 'info',
    scope: 'main',
  });
  // An error nothing caught is logged and the app goes on (src/core/process/failure-policy.ts).
  installFailurePolicy(process, {
    mode: 'recover',
    report: (kind, error) =>
      logger.error(`${kind}: ${(error as Error)?.message ?? String(error)}`, {
        stack: (error as Error)?.stack,
      }),
  });
  const shutdown = createShutdown(logger);
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const rendererDir = join(__dirname, '../renderer');
  const location: AppLocation = {
    rendererFileUrl: pathToFileURL(join(rendererDir, 'index.html')).href,
    ...(devServerUrl ? { devServerUrl } : {}),
  };
  const csp = contentSecurityPolicy(devServerUrl);
  const openExternal = (url: string) => shell.openExternal(url);
  let window: BrowserWindow | null = null;
  let quitting = false;

  const send: Send = (channel, payload) => {
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) {
      window.webContents.send(channel, payload);
    }
  };
  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, {
      isAppUrl: (url) => isAppUrl(url, location),
      openExternal,
      logger,
    }),
  );
  app.on('before-quit', () => {
    quitting = true;
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void shutdown.run().finally(() => {
      closed = true;
      logger.info('stopped');
      app.exit(0);
    });
  });
  app.on('window-all-closed', () => app.quit());

  void app
    .whenReady()
    .then(async () => {
      logger.info('starting', { version: app.getVersion(), userData });
      // Windows shows notifications only for an app with a user model id (the installer's appId).
      if (process.platform === 'win32') app.setAppUserModelId('com.callboard.desktop');
      hardenSession(session.defaultSession, csp, logger);
      serveAppFiles(
        {
          handle: (scheme, handler) => protocol.handle(scheme, handler),
          fetch: (request, init) => net.fetch(request, init),
        },
        { rendererDir, csp, logger, allowed: allowedAppFile },
      );

      const settings = createSettingsStore({
        file: join(userData, 'settings.json'),
        cipher: safeStorageCipher(safeStorage),
        logger,
      });
      const feedDeps = createDefaultFeedDeps({
        logger,
        stateDir: userData,
        createRemoteFeed: ({ url, token, logger: log }) =>
          createRemoteFeed({ url, token, logger: log }),
      });
      const controller = createAppController({
        settings,
        createFeed: (s) => createFeedForSettings(s, feedDeps),
        createAlerts: (thresholds) => createAlertsPort(thresholds),
        testConnection: (s) => testConnectionFor(s, feedDeps),
        clock: systemClock(),
        logger,
      });
      const core = await controller.start();
      shutdown.add('monitor core and feed', () => controller.dispose());

      const handlers = createIpcHandlers<IpcMainInvokeEvent>({
        register: (channel, listener) => {
          ipcMain.handle(channel, listener);
          return () => ipcMain.removeHandler(channel);
        },
        senderOf: (event) =>
          event.senderFrame
            ? { url: event.senderFrame.url, isMainFrame: event.senderFrame.parent === null }
            : null,
        isTrustedUrl: (url) => isAppUrl(url, location),
        logger,
      });
      const saveCsv = createCsvSaver({
        showSaveDialog: (defaultPath) => {
          const options = { defaultPath, filters: [{ name: 'CSV', extensions: ['csv'] }] };
          return window && !window.isDestroyed()
            ? dialog.showSaveDialog(window, options)
            : dialog.showSaveDialog(options);
        },
        write: writePrivateFile,
        defaultDir: () => app.getPath('downloads'),
        logger,
      });
      registerApiHandlers(handlers, controller, openExternal, saveCsv);
      shutdown.add('IPC handlers', () => handlers.dispose());
      shutdown.add('delta push', initializeDeltaPush({ core, send }));
      shutdown.add('transcript push', initializeTranscriptPush({ core, send }));

      const reveal = (target: AlertTarget) => {
        showWindow();
        sendReveal(send, target);
      };
      shutdown.add(
        'notifications',
        initializeNotifier({
          core,
          silent: () => !settings.current().notifications.sound,
          reveal,
          logger,
        }),
      );
      const onTrayAction = (action: TrayAction) => {
        if (action === 'show-window') showWindow();
        else if (action === 'pause-15') core.pauseAlerts(15);
        else if (action === 'pause-60') core.pauseAlerts(60);
        else if (action === 'resume-alerts') core.resumeAlerts();
        else if (action === 'quit') app.quit();
      };
      shutdown.add(
        'tray',
        initializeTray({
          core,
          iconFolder: join(app.getAppPath(), 'build', 'tray'),
          onAction: onTrayAction,
          now: () => Date.now(),
        }),
      );

      const created = await createMainWindow({
        preloadPath: join(__dirname, '../preload/index.js'),
        load: (w) =>
          devServerUrl ? w.loadURL(devServerUrl) : w.loadFile(join(rendererDir, 'index.html')),
        stateFile: join(userData, 'window-state.json'),
        closeToTray: () => settings.current().window.closeToTray,
        isQuitting: () => quitting,
        logger,
        onDidLoad: () => logger.debug('renderer loaded'),
      });
      window = created.window;
      shutdown.add('window', async () => {
        await created.flushState();
        if (window && !window.isDestroyed()) window.destroy();
      });
    })
    .catch((error: unknown) => {
      logger.error('the app could not start', { error });
      // Say why before going: an app that just vanishes leaves the supervisor guessing.
      dialog.showErrorBox(
        'Callboard could not start',
        `${(error as Error)?.message ?? String(error)}\n\nThe log is in ${logFile}.`,
      );
      app.exit(1);
    });
}

main();
