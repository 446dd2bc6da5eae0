import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../shared/ipc';
import type { AppController } from '../app/controller';
import { testIpcHandlers } from './handlers.test-support';
import { registerApiHandlers } from './register-api';

function setup() {
  const { handlers, listeners, invoke } = testIpcHandlers();
  const opened: string[] = [];
  const transcripts: string[] = [];
  const controller = {
    retryConnection: () => null,
    openTranscript: (callSid: string) => (transcripts.push(`open ${callSid}`), { callSid }),
    closeTranscript: (callSid: string) => (transcripts.push(`close ${callSid}`), null),
  } as unknown as AppController;
  registerApiHandlers(
    handlers,
    controller,
    async (url) => void opened.push(url),
    async () => ({ saved: false }),
  );
  return { listeners, opened, invoke, transcripts };
}

describe('registerApiHandlers', () => {
  it('registers every invoke channel of the contract', () => {
    const { listeners } = setup();
    const pushOnly = new Set<string>([
      IPC_CHANNELS.didChange,
      IPC_CHANNELS.didRequestReveal,
      IPC_CHANNELS.didChangeTranscript,
    ]);
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

  it.each([
    ['an empty key', ''],
    ['spaces', 'CA 1'],
    ['a path', '../calls'],
    ['an operator', { $gt: '' }],
    ['too long', 'C'.repeat(129)],
  ])('refuses to open a transcript for %s, and the controller is not called', async (_, key) => {
    const { invoke, transcripts } = setup();
    const result = await invoke(IPC_CHANNELS.openTranscript, key);
    expect(result).toMatchObject({ ok: false, code: 'bad-request' });
    expect((result as { message: string }).message).toMatch(/^transcript:open: invalid arguments/);
    expect(transcripts).toEqual([]);
  });

  it('opens and closes a call transcript through the controller', async () => {
    const { invoke, transcripts } = setup();
    await expect(invoke(IPC_CHANNELS.openTranscript, 'CA123')).resolves.toEqual({
      ok: true,
      value: { callSid: 'CA123' },
    });
    await invoke(IPC_CHANNELS.closeTranscript, 'CA123');
    expect(transcripts).toEqual(['open CA123', 'close CA123']);
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
