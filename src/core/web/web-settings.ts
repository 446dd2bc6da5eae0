import {
  thresholdsSchema,
  DEFAULT_SETTINGS,
  settingsSchema,
  type Settings,
} from '../../shared/settings';
import { describeZodError } from '../../shared/domain/schemas';

/**
 * What the web dashboard can change: alert thresholds, notification preferences, whether
 * the wallboard masks numbers and names and the KPI window, kept in the browser's localStorage. The mode is fixed to the server that served the page (its
 * URL and token come from the address), so changing it here is refused with a reason.
 */
export const WEB_SETTINGS_KEY = 'callboard.web-settings.v1';

export const WEB_DASHBOARD_RESTRICTIONS =
  'Web dashboard: only alert thresholds, notification and wallboard preferences can be changed here ' +
  '(kept in this browser). The connection always follows the server that served this page; ' +
  'use the desktop app to change the mode.';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface WebSettingsState {
  settings: Settings;
  problem?: string;
}

export function fixedSettings(url: string): Settings {
  return {
    ...structuredClone(DEFAULT_SETTINGS),
    mode: 'remote',
    remote: { url, token: '' },
  };
}

export function loadWebSettings(storage: StorageLike | null, url: string): WebSettingsState {
  const base = fixedSettings(url);
  let text: string | null;
  try {
    text = storage?.getItem(WEB_SETTINGS_KEY) ?? null;
  } catch {
    return { settings: base, problem: 'this browser does not allow local storage; using defaults' };
  }
  if (text === null) return { settings: base };
  try {
    const raw = JSON.parse(text) as {
      alerts?: unknown;
      notifications?: unknown;
      wallboard?: unknown;
      display?: unknown;
    };
    const alerts = thresholdsSchema.safeParse(raw.alerts);
    const notifications = settingsSchema.shape.notifications.safeParse(raw.notifications);
    // Saved before the wallboard setting existed: absent reads as the default (masked).
    const wallboard = settingsSchema.shape.wallboard.safeParse(raw.wallboard);
    // Likewise the KPI window (issue 14): absent reads as the default.
    const display = settingsSchema.shape.display.safeParse(raw.display);
    const problems = [
      ...(alerts.success ? [] : [describeZodError('alerts', alerts.error)]),
      ...(notifications.success ? [] : [describeZodError('notifications', notifications.error)]),
      ...(wallboard.success ? [] : [describeZodError('wallboard', wallboard.error)]),
      ...(display.success ? [] : [describeZodError('display', display.error)]),
    ];
    return {
      settings: {
        ...base,
        ...(alerts.success ? { alerts: alerts.data } : {}),
        ...(notifications.success ? { notifications: notifications.data } : {}),
        ...(wallboard.success ? { wallboard: wallboard.data } : {}),
        ...(display.success ? { display: display.data } : {}),
      },
      ...(problems.length > 0
        ? {
            problem: `saved dashboard settings were invalid, defaults used: ${problems.join('; ')}`,
          }
        : {}),
    };
  } catch {
    return {
      settings: base,
      problem: 'saved dashboard settings were not valid JSON; defaults used',
    };
  }
}

/** Validates a save from the settings screen; refuses any change to the connection. */
export function checkWebSave(
  input: unknown,
  current: Settings,
): { ok: true; settings: Settings } | { ok: false; message: string } {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, message: describeZodError('invalid settings', parsed.error) };
  const next = parsed.data;
  if (next.mode !== current.mode || next.remote.url !== current.remote.url) {
    return { ok: false, message: WEB_DASHBOARD_RESTRICTIONS };
  }
  return {
    ok: true,
    settings: {
      ...current,
      alerts: next.alerts,
      notifications: next.notifications,
      wallboard: next.wallboard,
      display: next.display,
    },
  };
}

export function saveWebSettings(storage: StorageLike | null, settings: Settings): string | null {
  try {
    storage?.setItem(
      WEB_SETTINGS_KEY,
      JSON.stringify({
        alerts: settings.alerts,
        notifications: settings.notifications,
        wallboard: settings.wallboard,
        display: settings.display,
      }),
    );
    return storage
      ? null
      : 'this browser does not allow local storage: settings last until the page closes';
  } catch (error) {
    return `could not save in this browser: ${(error as Error).message}`;
  }
}
