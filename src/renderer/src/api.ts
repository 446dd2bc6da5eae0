import type { CallboardApi, IpcResult } from '../../shared/ipc';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the web dashboard. */
    callboard?: CallboardApi;
  }
}

/** An API that answers every call with the reason it cannot work, so the screen can say so. */
export function createUnavailableApi(reason: string): CallboardApi {
  const fail = async <T>(): Promise<IpcResult<T>> => ({
    ok: false,
    code: 'unavailable',
    message: reason,
  });
  return {
    getSnapshot: fail,
    onDidChange: () => () => {},
    onDidRequestReveal: () => () => {},
    acknowledgeAlert: fail,
    acknowledgeAllAlerts: fail,
    snoozeAlert: fail,
    pauseAlerts: fail,
    getSettings: fail,
    saveSettings: fail,
    testConnection: fail,
    retryConnection: fail,
    openExternal: fail,
    exportCsv: fail,
    openTranscript: fail,
    closeTranscript: fail,
    onDidChangeTranscript: () => () => {},
  };
}

/**
 * The web dashboard's access token: `#token=...` in the address (kept out of server logs and
 * Referer headers), else `?token=...`.
 */
export function dashboardToken(location: Pick<Location, 'hash' | 'search'>): string | undefined {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  return fromHash || fromQuery || undefined;
}

/** Offers `text` as a file download from the page (the web dashboard's "Export CSV"). */
export function downloadFile(fileName: string, text: string, type: string, doc = document): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The click has resolved the URL for the download; free it once this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The web dashboard's API: the monitor core runs in the page and talks Socket.IO to the
 * server that served it. Loaded lazily so the desktop bundle's start-up does not pay for it.
 */
async function loadWebApi(location: Location): Promise<CallboardApi> {
  const { createWebCallboardApi } = await import('../../core/web');
  const token = dashboardToken(location);
  return createWebCallboardApi({
    url: location.origin,
    ...(token ? { token } : {}),
    download: downloadFile,
  });
}

/** The desktop app's preload API when present, else the web dashboard's. */
export async function resolveApi(win: Window = window): Promise<CallboardApi> {
  if (win.callboard) return win.callboard;
  try {
    return await loadWebApi(win.location);
  } catch (error) {
    return createUnavailableApi(
      `cannot start the dashboard client: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
