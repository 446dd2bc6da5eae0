import type { AlertThresholds } from '../../shared/alerts-types';
import type { ConnectionTestReport, ExportRecord, SettingsView } from '../../shared/ipc';
import type { Logger } from '../../shared/log';
import type { MonitorSnapshot, TranscriptView } from '../../shared/monitor';
import type { Settings } from '../../shared/settings';
import type { AlertsPort } from '../../core/monitor/alerts-port';
import { createFailedFeed } from '../../core/feed/failed-feed';
import type { MonitorClock } from '../../core/monitor/clock';
import {
  createMonitorCore,
  type FeedSource,
  type MonitorCore,
} from '../../core/monitor/monitor-core';
import { IpcError } from '../ipc/handle';
import { SettingsError, type SettingsStore } from '../settings/settings-store';

/**
 * The desktop app without Electron: settings, the feed they choose, and the monitor core,
 * with one method per CallboardApi operation. The Electron main process puts handle() in
 * front of it (./register-api.ts); the e2e harness (e2e/harness) drives the very same object
 * from Playwright, so both run one code path. No electron import here.
 */
export interface AppControllerDeps {
  settings: SettingsStore;
  /** Builds the feed for a mode (demo / remote / embedded); see src/core/embedded/feed-factory. */
  createFeed(settings: Settings): Promise<FeedSource>;
  createAlerts(thresholds: AlertThresholds): AlertsPort;
  testConnection(settings: Settings): Promise<ConnectionTestReport>;
  clock: MonitorClock;
  logger: Logger;
  batchMs?: number;
  tickMs?: number;
}

export interface AppController {
  /** Loads settings and starts the feed. */
  start(): Promise<MonitorCore>;
  readonly core: MonitorCore;
  getSnapshot(): MonitorSnapshot;
  acknowledgeAlert(alertId: string): null;
  acknowledgeAllAlerts(): null;
  snoozeAlert(alertId: string, minutes: number): null;
  pauseAlerts(minutes: number): null;
  getSettings(): SettingsView;
  saveSettings(input: unknown): Promise<SettingsView>;
  testConnection(input: unknown): Promise<ConnectionTestReport>;
  retryConnection(): null;
  /** An export was saved: the monitor core tells the source's audit. */
  recordExport(record: ExportRecord): null;
  openTranscript(callSid: string): TranscriptView;
  closeTranscript(callSid: string): null;
  dispose(): Promise<void>;
}

/** The parts of the settings that need a new feed when they change. */
function feedKey(s: Settings): string {
  return JSON.stringify(
    s.mode === 'remote'
      ? [s.mode, s.remote]
      : s.mode === 'embedded'
        ? [s.mode, s.embedded]
        : [s.mode],
  );
}

export function createAppController(deps: AppControllerDeps): AppController {
  const log = deps.logger.child('app');

  /** The feed the settings choose, or one that shows why it could not be built. */
  const feedFor = async (settings: Settings): Promise<FeedSource> => {
    try {
      return await deps.createFeed(settings);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error('the feed could not be built', { mode: settings.mode, error: message });
      const target = settings.mode === 'remote' ? settings.remote.url : settings.mode;
      return {
        mode: settings.mode,
        target,
        feed: createFailedFeed(settings.mode, target, message),
      };
    }
  };
  let core: MonitorCore | null = null;
  let switching: Promise<void> = Promise.resolve();

  const need = (): MonitorCore => {
    if (!core) throw new IpcError('unavailable', 'the monitor is still starting');
    return core;
  };

  const settingsError = (error: unknown): never => {
    if (error instanceof SettingsError) throw new IpcError('bad-request', error.message);
    throw error;
  };

  return {
    async start() {
      const view = await deps.settings.load();
      if (view.loadProblem) log.warn(view.loadProblem);
      const settings = deps.settings.current();
      const source = await feedFor(settings);
      core = createMonitorCore({
        ...source,
        alerts: deps.createAlerts(settings.alerts),
        clock: deps.clock,
        logger: deps.logger,
        notifications: settings.notifications,
        ...(deps.batchMs !== undefined ? { batchMs: deps.batchMs } : {}),
        ...(deps.tickMs !== undefined ? { tickMs: deps.tickMs } : {}),
      });
      return core;
    },
    get core() {
      return need();
    },
    getSnapshot: () => need().getSnapshot(),
    acknowledgeAlert(alertId) {
      if (!need().acknowledgeAlert(alertId)) throw new IpcError('not-found', `no alert ${alertId}`);
      return null;
    },
    acknowledgeAllAlerts() {
      need().acknowledgeAllAlerts();
      return null;
    },
    snoozeAlert(alertId, minutes) {
      if (!need().snoozeAlert(alertId, minutes))
        throw new IpcError('not-found', `no alert ${alertId}`);
      return null;
    },
    pauseAlerts(minutes) {
      need().pauseAlerts(minutes);
      return null;
    },
    getSettings: () => deps.settings.view(),
    async saveSettings(input) {
      const monitor = need();
      const before = deps.settings.current();
      const view = await deps.settings.save(input).catch(settingsError);
      const after = deps.settings.current();
      monitor.setThresholds(after.alerts);
      monitor.setNotifications(after.notifications);
      if (feedKey(before) !== feedKey(after)) {
        // One switch at a time: a second save waits for the first to finish.
        switching = switching
          .catch(() => {})
          .then(async () => {
            await monitor.switchFeed(await feedFor(after));
          });
        await switching.catch((error: unknown) => {
          log.error('switching the feed failed', { error });
          throw new IpcError(
            'unavailable',
            `settings saved, but the new connection could not start: ${(error as Error).message}`,
          );
        });
      }
      return view;
    },
    async testConnection(input) {
      let settings: Settings;
      try {
        settings = deps.settings.resolve(input);
      } catch (error) {
        return settingsError(error);
      }
      return deps.testConnection(settings);
    },
    retryConnection() {
      need().retryConnection();
      return null;
    },
    recordExport(record) {
      need().recordExport(record);
      return null;
    },
    openTranscript: (callSid) => need().openTranscript(callSid),
    closeTranscript(callSid) {
      need().closeTranscript(callSid);
      return null;
    },
    async dispose() {
      await switching.catch(() => {});
      await core?.dispose();
    },
  };
}
