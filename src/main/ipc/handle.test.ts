import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../shared/ipc';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { isAppUrl } from '../security/app-origin';
import { createIpcHandlers, IpcError, type IpcSender } from './handle';

const APP = 'file:///opt/callboard/resources/app.asar/out/renderer/index.html';
const location = { rendererFileUrl: APP };

interface FakeEvent {
  sender: IpcSender | null;
}

function setup() {
  const listeners = new Map<string, (event: FakeEvent, ...args: unknown[]) => Promise<unknown>>();
  const calls: unknown[][] = [];
  const handlers = createIpcHandlers<FakeEvent>({
    register: (channel, listener) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
    senderOf: (event) => event.sender,
    isTrustedUrl: (url) => isAppUrl(url, location),
    logger: silentLogger,
  });
  handlers.handle('acknowledgeAlert', (id) => {
    calls.push(['acknowledgeAlert', id]);
    return null;
  });
  handlers.handle('snoozeAlert', (id, minutes) => {
    calls.push(['snoozeAlert', id, minutes]);
    return null;
  });
  handlers.handle('saveSettings', (settings) => {
    calls.push(['saveSettings', settings]);
    throw new IpcError('bad-request', 'invalid settings: mode: bad');
  });
  handlers.handle('retryConnection', () => {
    throw new Error('boom at mongodb://admin:hunter2@db:27017');
  });
  const invoke = (channel: string, sender: IpcSender | null, ...args: unknown[]) => {
    const listener = listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener({ sender }, ...args);
  };
  return { handlers, listeners, calls, invoke };
}

const app: IpcSender = { url: APP, isMainFrame: true };

describe('handle(): sender checks', () => {
  const hostileSenders: [string, IpcSender | null][] = [
    ['a foreign https origin', { url: 'https://evil.example/', isMainFrame: true }],
    ['a lookalike host', { url: 'http://localhost.evil.example/index.html', isMainFrame: true }],
    ['another local file', { url: 'file:///etc/passwd', isMainFrame: true }],
    [
      'a file with the same name elsewhere',
      { url: 'file:///tmp/out/renderer/index.html', isMainFrame: true },
    ],
    ['a data: page', { url: 'data:text/html,<script>1</script>', isMainFrame: true }],
    ['about:blank', { url: 'about:blank', isMainFrame: true }],
    ['the app page in a subframe', { url: APP, isMainFrame: false }],
    ['a destroyed frame', null],
    ['an empty url', { url: '', isMainFrame: true }],
  ];
  it.each(hostileSenders)('refuses %s and does not run the handler', async (_name, sender) => {
    const { invoke, calls } = setup();
    const result = await invoke(IPC_CHANNELS.acknowledgeAlert, sender, 'alert-1');
    expect(result).toMatchObject({ ok: false, code: 'forbidden-sender' });
    expect(calls).toEqual([]);
  });

  it('accepts the app page, with a hash route', async () => {
    const { invoke, calls } = setup();
    await expect(
      invoke(IPC_CHANNELS.acknowledgeAlert, { url: `${APP}#/alerts`, isMainFrame: true }, 'a'),
    ).resolves.toEqual({ ok: true, value: null });
    expect(calls).toEqual([['acknowledgeAlert', 'a']]);
  });

  it('accepts the dev server origin only when one is configured', () => {
    const dev = { rendererFileUrl: APP, devServerUrl: 'http://localhost:5173/' };
    expect(isAppUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', location)).toBe(false);
  });
});

describe('handle(): payload checks', () => {
  const polluted = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 40; i += 1) {
    const next: Record<string, unknown> = {};
    cursor.n = next;
    cursor = next;
  }
  const hostileArgs: [string, string, unknown[]][] = [
    ['no arguments', IPC_CHANNELS.acknowledgeAlert, []],
    ['a number for an id', IPC_CHANNELS.acknowledgeAlert, [42]],
    ['an object for an id', IPC_CHANNELS.acknowledgeAlert, [{ id: 'a' }]],
    ['an empty id', IPC_CHANNELS.acknowledgeAlert, ['']],
    ['a huge string', IPC_CHANNELS.acknowledgeAlert, ['x'.repeat(1_000_000)]],
    ['an extra argument', IPC_CHANNELS.acknowledgeAlert, ['a', 'b']],
    ['minutes as a string', IPC_CHANNELS.snoozeAlert, ['a', '15']],
    ['fractional minutes', IPC_CHANNELS.snoozeAlert, ['a', 1.5]],
    ['negative minutes', IPC_CHANNELS.snoozeAlert, ['a', -5]],
    ['NaN minutes', IPC_CHANNELS.snoozeAlert, ['a', Number.NaN]],
    ['a year of minutes', IPC_CHANNELS.snoozeAlert, ['a', 525_600]],
    ['a __proto__ key', IPC_CHANNELS.saveSettings, [polluted]],
    ['a constructor key', IPC_CHANNELS.saveSettings, [{ ...DEFAULT_SETTINGS, constructor: {} }]],
    ['deep nesting', IPC_CHANNELS.saveSettings, [deep]],
    ['a huge nested string', IPC_CHANNELS.saveSettings, [{ mode: 'x'.repeat(100_000) }]],
    ['a class instance', IPC_CHANNELS.saveSettings, [new Date()]],
  ];
  it.each(hostileArgs)('refuses %s with bad-request and changes nothing', async (_n, ch, args) => {
    const { invoke, calls } = setup();
    const result = (await invoke(ch, app, ...args)) as {
      ok: boolean;
      code: string;
      message: string;
    };
    expect(result).toMatchObject({ ok: false, code: 'bad-request' });
    expect(result.message).toContain(ch);
    expect(calls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('passes valid arguments through, typed', async () => {
    const { invoke, calls } = setup();
    await expect(invoke(IPC_CHANNELS.snoozeAlert, app, 'a', 15)).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(calls).toEqual([['snoozeAlert', 'a', 15]]);
  });
});

describe('handle(): errors never cross the boundary', () => {
  it('returns an IpcError as its code and message', async () => {
    const { invoke } = setup();
    await expect(invoke(IPC_CHANNELS.saveSettings, app, DEFAULT_SETTINGS)).resolves.toEqual({
      ok: false,
      code: 'bad-request',
      message: 'invalid settings: mode: bad',
    });
  });

  it('turns an unexpected throw into internal, with secrets redacted', async () => {
    const { invoke } = setup();
    const result = (await invoke(IPC_CHANNELS.retryConnection, app)) as { message: string };
    expect(result).toMatchObject({ ok: false, code: 'internal' });
    expect(result.message).not.toContain('hunter2');
  });

  it('dispose() removes every handler', () => {
    const { handlers, listeners } = setup();
    expect(listeners.size).toBe(4);
    handlers.dispose();
    expect(listeners.size).toBe(0);
  });
});
