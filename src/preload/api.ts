import type { AlertTarget } from '../shared/alerts-types';
import { IPC_CHANNELS } from '../shared/ipc-channels';
import type { CallboardApi, IpcResult } from '../shared/ipc';
import type { MonitorDelta, TranscriptDelta } from '../shared/monitor';

/**
 * The renderer's whole view of the main process: one function per CallboardApi operation,
 * built over the narrow ipcRenderer surface passed in (so a Node test can build it with a
 * fake). Never exposes ipcRenderer itself or a generic on(channel): each listener function
 * names its one channel and returns a disposer.
 */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi(ipc: IpcRendererLike): CallboardApi {
  const invoke = <T>(channel: string, ...args: unknown[]): Promise<IpcResult<T>> =>
    ipc.invoke(channel, ...args).then(
      (result) => result as IpcResult<T>,
      (error: unknown) => ({
        ok: false as const,
        code: 'unavailable' as const,
        message: `the app did not answer ${channel}: ${(error as Error)?.message ?? String(error)}`,
      }),
    );
  const listen = <T>(channel: string, listener: (value: T) => void) => {
    // The event object is dropped on purpose: it carries `sender`, which must not leak.
    const wrapped = (_event: unknown, value: unknown) => listener(value as T);
    ipc.on(channel, wrapped);
    return () => void ipc.removeListener(channel, wrapped);
  };
  return {
    getSnapshot: () => invoke(IPC_CHANNELS.getSnapshot),
    onDidChange: (listener) => listen<MonitorDelta>(IPC_CHANNELS.didChange, listener),
    onDidRequestReveal: (listener) => listen<AlertTarget>(IPC_CHANNELS.didRequestReveal, listener),
    acknowledgeAlert: (alertId) => invoke(IPC_CHANNELS.acknowledgeAlert, alertId),
    acknowledgeAllAlerts: () => invoke(IPC_CHANNELS.acknowledgeAllAlerts),
    snoozeAlert: (alertId, minutes) => invoke(IPC_CHANNELS.snoozeAlert, alertId, minutes),
    pauseAlerts: (minutes) => invoke(IPC_CHANNELS.pauseAlerts, minutes),
    getSettings: () => invoke(IPC_CHANNELS.getSettings),
    saveSettings: (settings) => invoke(IPC_CHANNELS.saveSettings, settings),
    testConnection: (settings) => invoke(IPC_CHANNELS.testConnection, settings),
    retryConnection: () => invoke(IPC_CHANNELS.retryConnection),
    openExternal: (url) => invoke(IPC_CHANNELS.openExternal, url),
    exportCsv: (fileName, csv, record) => invoke(IPC_CHANNELS.exportCsv, fileName, csv, record),
    openTranscript: (callSid) => invoke(IPC_CHANNELS.openTranscript, callSid),
    closeTranscript: (callSid) => invoke(IPC_CHANNELS.closeTranscript, callSid),
    onDidChangeTranscript: (listener) =>
      listen<TranscriptDelta>(IPC_CHANNELS.didChangeTranscript, listener),
  } satisfies CallboardApi;
}
