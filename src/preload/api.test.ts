import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../shared/ipc';
import { createPreloadApi, type IpcRendererLike } from './api';

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, ...args]);
      if (channel === IPC_CHANNELS.retryConnection) throw new Error('main went away');
      return { ok: true, value: null };
    },
    on: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  return { ipc, invoked, listeners };
}

describe('preload surface', () => {
  it('exposes exactly one function per CallboardApi operation, nothing else', () => {
    const api = createPreloadApi(fakeIpc().ipc);
    expect(Object.keys(api).sort()).toEqual([
      'acknowledgeAlert',
      'acknowledgeAllAlerts',
      'closeTranscript',
      'exportCsv',
      'getSettings',
      'getSnapshot',
      'onDidChange',
      'onDidChangeTranscript',
      'onDidRequestReveal',
      'openExternal',
      'openTranscript',
      'pauseAlerts',
      'retryConnection',
      'saveSettings',
      'snoozeAlert',
      'testConnection',
    ]);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.keys(api)).not.toContain('ipcRenderer');
    expect(Object.keys(api)).not.toContain('on');
  });

  it('invokes the contract channel with the arguments', async () => {
    const { ipc, invoked } = fakeIpc();
    const api = createPreloadApi(ipc);
    await api.snoozeAlert('a', 15);
    await api.openExternal('https://example.com');
    await api.exportCsv('calls.csv', 'A\r\n', { view: 'recent', rows: 2 });
    expect(invoked).toEqual([
      [IPC_CHANNELS.snoozeAlert, 'a', 15],
      [IPC_CHANNELS.openExternal, 'https://example.com'],
      [IPC_CHANNELS.exportCsv, 'calls.csv', 'A\r\n', { view: 'recent', rows: 2 }],
    ]);
  });

  it('turns a failed invoke into an IpcResult instead of a rejection', async () => {
    const api = createPreloadApi(fakeIpc().ipc);
    await expect(api.retryConnection()).resolves.toMatchObject({ ok: false, code: 'unavailable' });
  });

  it('listeners get the payload only (never the event) and return a working disposer', () => {
    const { ipc, listeners } = fakeIpc();
    const api = createPreloadApi(ipc);
    const got: unknown[][] = [];
    const stop = api.onDidChange((...args) => got.push(args));
    const [listener] = listeners.get(IPC_CHANNELS.didChange)!;
    listener!({ sender: 'secret' }, { at: 1 });
    expect(got).toEqual([[{ at: 1 }]]);
    stop();
    expect(listeners.get(IPC_CHANNELS.didChange)!.size).toBe(0);
  });
});
