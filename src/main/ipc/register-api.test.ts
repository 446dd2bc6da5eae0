import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../shared/ipc';
import type { AppController } from '../app/controller';
import { testIpcHandlers } from './handlers.test-support';
import { registerApiHandlers } from './register-api';

function setup() {
  const { handlers, listeners, invoke } = testIpcHandlers();
  const opened: string[] = [];
  const controller = { retryConnection: () => null } as unknown as AppController;
  registerApiHandlers(
    handlers,
    controller,
    async (url) => void opened.push(url),
    async () => ({ saved: false }),
  );
  return { listeners, opened, invoke };
}

describe('registerApiHandlers', () => {
  it('registers every invoke channel of the contract', () => {
    const { listeners } = setup();
    const pushOnly = new Set<string>([IPC_CHANNELS.didChange, IPC_CHANNELS.didRequestReveal]);
    const expected = Object.values(IPC_CHANNELS)
      .filter((c) => !pushOnly.has(c))
      .sort();
    expect([...listeners.keys()].sort()).toEqual(expected);
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'https://u:p@example.com/',
    'smb://host/share',
  ])('refuses to open %s', async (url) => {
    const { invoke, opened } = setup();
    await expect(invoke(IPC_CHANNELS.openExternal, url)).resolves.toMatchObject({
      ok: false,
      code: 'bad-request',
    });
    expect(opened).toEqual([]);
  });

  it('opens an https link through the shell', async () => {
    const { invoke, opened } = setup();
    await expect(invoke(IPC_CHANNELS.openExternal, 'https://example.com/help')).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(opened).toEqual(['https://example.com/help']);
  });
});
