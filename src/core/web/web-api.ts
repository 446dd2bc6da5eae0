import { describeZodError } from '../../shared/domain/schemas';
import { IPC_ARGS, type CallboardApi, type IpcResult, type SettingsView } from '../../shared/ipc';
import { silentLogger, type Logger } from '../../shared/log';
import { isSafeExternalUrl } from '../../shared/urls';
import { CALL_KEY_PATTERN } from '../../shared/protocol/transcript';
import { createRemoteFeed } from '../feed/remote-feed';
import type { Feed } from '../feed/feed';
import { systemClock, type MonitorClock } from '../monitor/clock';
import { createMonitorCore, type MonitorCore } from '../monitor/monitor-core';
import { createAlertsPort } from '../monitor/shared-alerts';
import {
  checkWebSave,
  loadWebSettings,
  saveWebSettings,
  WEB_DASHBOARD_RESTRICTIONS,
  type StorageLike,
} from './web-settings';

/**
 * The web dashboard's CallboardApi: the monitor core runs in the page over a RemoteFeed to
 * the server that served it, so the renderer works unchanged (the same contract as the
 * desktop preload). Settings are limited (./web-settings.ts) and say so.
 */
export interface WebApiOptions {
  /** The server, normally the page's own origin. */
  url: string;
  token?: string;
  storage?: StorageLike | null;
  logger?: Logger;
  clock?: MonitorClock;
  /** Tests: a feed other than socket.io to `url`. */
  feed?: Feed;
  openWindow?: (url: string) => void;
  /** Offers a file as a download (the renderer gives one that uses the page). */
  download?: (fileName: string, text: string, type: string) => void;
}

export interface WebCallboardApi extends CallboardApi {
  readonly core: MonitorCore;
  dispose(): Promise<void>;
}

const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });

export function createWebCallboardApi(options: WebApiOptions): WebCallboardApi {
  const storage =
    options.storage !== undefined
      ? options.storage
      : typeof localStorage !== 'undefined'
        ? localStorage
        : null;
  const logger = options.logger ?? silentLogger;
  const loaded = loadWebSettings(storage, options.url);
  let settings = loaded.settings;
  let problem = loaded.problem;
  const feed =
    options.feed ??
    createRemoteFeed({
      url: options.url,
      ...(options.token ? { token: options.token } : {}),
      logger,
    });
  const core = createMonitorCore({
    feed,
    mode: 'remote',
    target: options.url,
    alerts: createAlertsPort(settings.alerts),
    clock: options.clock ?? systemClock(),
    logger,
    notifications: settings.notifications,
  });
  const view = (): SettingsView => ({
    settings,
    secretsSet: { remoteToken: Boolean(options.token), mongoUri: false },
    file: 'this browser (localStorage)',
    loadProblem: problem ? `${problem}. ${WEB_DASHBOARD_RESTRICTIONS}` : WEB_DASHBOARD_RESTRICTIONS,
    secretsEncrypted: false,
  });
  const notFound = (id: string): IpcResult<null> => ({
    ok: false,
    code: 'not-found',
    message: `no alert ${JSON.stringify(id.slice(0, 200))}`,
  });
  const minutesOk = (m: unknown): m is number =>
    typeof m === 'number' && Number.isInteger(m) && m >= 1 && m <= 1440;
  const badMinutes: IpcResult<null> = {
    ok: false,
    code: 'bad-request',
    message: 'minutes must be a whole number from 1 to 1440',
  };

  const callKeyOk = (k: unknown): k is string => typeof k === 'string' && CALL_KEY_PATTERN.test(k);
  const badCallKey = (k: unknown) => ({
    ok: false as const,
    code: 'bad-request' as const,
    message: `not a call key: ${JSON.stringify(String(k).slice(0, 140))}`,
  });

  return {
    core,
    getSnapshot: async () => ok(core.getSnapshot()),
    onDidChange: (listener) => core.onDidChange(listener),
    // No OS notifications in a browser tab, so nothing asks to reveal.
    onDidRequestReveal: () => () => {},
    acknowledgeAlert: async (id) => (core.acknowledgeAlert(id) ? ok(null) : notFound(id)),
    acknowledgeAllAlerts: async () => (core.acknowledgeAllAlerts(), ok(null)),
    snoozeAlert: async (id, minutes) =>
      !minutesOk(minutes) ? badMinutes : core.snoozeAlert(id, minutes) ? ok(null) : notFound(id),
    pauseAlerts: async (minutes) =>
      !minutesOk(minutes) ? badMinutes : (core.pauseAlerts(minutes), ok(null)),
    getSettings: async () => ok(view()),
    saveSettings: async (input) => {
      const checked = checkWebSave(input, settings);
      if (!checked.ok) return { ok: false, code: 'bad-request', message: checked.message };
      settings = checked.settings;
      problem = saveWebSettings(storage, settings) ?? undefined;
      core.setThresholds(settings.alerts);
      core.setNotifications(settings.notifications);
      return ok(view());
    },
    testConnection: async () => {
      const c = core.getSnapshot().connection;
      const live = c.status === 'live';
      return ok({
        ok: live,
        summary: live
          ? `Callboard server at ${c.target}, ${c.protocol === 2 ? 'protocol v2' : 'seed protocol'}`
          : `Callboard server at ${c.target}: ${c.status}`,
        ...(live ? {} : { error: c.error ?? `the connection is ${c.status}` }),
        durationMs: 0,
      });
    },
    retryConnection: async () => (core.retryConnection(), ok(null)),
    openExternal: async (url) => {
      const safe = isSafeExternalUrl(url);
      if (!safe)
        return {
          ok: false,
          code: 'bad-request',
          message: 'only http(s) links without credentials open',
        };
      (options.openWindow ?? ((u) => void globalThis.open?.(u, '_blank', 'noopener,noreferrer')))(
        safe.toString(),
      );
      return ok(null);
    },
    exportCsv: async (fileName, csv, record) => {
      const checked = IPC_ARGS.exportCsv.safeParse([fileName, csv, record]);
      if (!checked.success) {
        return {
          ok: false,
          code: 'bad-request',
          message: describeZodError('export', checked.error),
        };
      }
      if (!options.download) {
        return { ok: false, code: 'unavailable', message: 'this page cannot offer downloads' };
      }
      options.download(fileName, csv, 'text/csv;charset=utf-8');
      core.recordExport(checked.data[2]);
      // The browser saves it (or asks where): the page is not told where it went.
      return ok({ saved: true, where: 'your downloads' });
    },
    openTranscript: async (callSid) =>
      callKeyOk(callSid) ? ok(core.openTranscript(callSid)) : badCallKey(callSid),
    closeTranscript: async (callSid) =>
      callKeyOk(callSid) ? (core.closeTranscript(callSid), ok(null)) : badCallKey(callSid),
    onDidChangeTranscript: (listener) => core.onDidChangeTranscript(listener),
    dispose: () => core.dispose(),
  };
}
