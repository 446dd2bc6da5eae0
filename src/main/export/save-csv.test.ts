import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePrivateFile } from '../../server/private-file';
import { IPC_CHANNELS } from '../../shared/ipc';
import { silentLogger } from '../../shared/log';
import type { AppController } from '../app/controller';
import { testIpcHandlers } from '../ipc/handlers.test-support';
import { registerApiHandlers } from '../ipc/register-api';
import { createCsvSaver } from './save-csv';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The IPC surface as the renderer reaches it, with a scripted save dialog. */
function setup(answer: (defaultPath: string) => { canceled: boolean; filePath?: string }) {
  const { handlers, invoke } = testIpcHandlers();
  const asked: string[] = [];
  const saveCsv = createCsvSaver({
    showSaveDialog: async (defaultPath) => (asked.push(defaultPath), answer(defaultPath)),
    write: writePrivateFile,
    defaultDir: () => dir,
    logger: silentLogger,
  });
  const recorded: unknown[] = [];
  const controller = { recordExport: (r: unknown) => (recorded.push(r), null) };
  registerApiHandlers(handlers, controller as unknown as AppController, async () => {}, saveCsv);
  const exportCsv = (...args: unknown[]) => invoke(IPC_CHANNELS.exportCsv, ...args);
  return { asked, exportCsv, recorded };
}

const ROWS = { view: 'active', rows: 1 };

describe('Export CSV in the desktop app', () => {
  it('asks where to save, in the downloads folder, and writes the file private to the user', async () => {
    const { asked, exportCsv, recorded } = setup((p) => ({ canceled: false, filePath: p }));
    const csv = '\uFEFFCall,Contact\r\nCA1,"Diaz, Ana"\r\n';
    await expect(exportCsv('callboard-calls.csv', csv, ROWS)).resolves.toEqual({
      ok: true,
      value: { saved: true, where: join(dir, 'callboard-calls.csv') },
    });
    expect(asked).toEqual([join(dir, 'callboard-calls.csv')]);
    await expect(readFile(join(dir, 'callboard-calls.csv'), 'utf8')).resolves.toBe(csv);
    // The server's audit hears of it (through the monitor core).
    expect(recorded).toEqual([ROWS]);
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'callboard-calls.csv'))).mode & 0o777).toBe(0o600);
    }
  });

  it('writes nothing when the user cancels', async () => {
    const { exportCsv, recorded } = setup(() => ({ canceled: true }));
    await expect(exportCsv('calls.csv', 'A\r\n', ROWS)).resolves.toEqual({
      ok: true,
      value: { saved: false },
    });
    expect(recorded).toEqual([]);
  });

  it('says which file it could not write', async () => {
    // Its folder is a file: nothing can be written there.
    await writeFile(join(dir, 'not-a-folder'), '');
    const where = join(dir, 'not-a-folder', 'calls.csv');
    const { exportCsv } = setup(() => ({ canceled: false, filePath: where }));
    await expect(exportCsv('calls.csv', 'A\r\n', ROWS)).resolves.toMatchObject({
      ok: false,
      code: 'internal',
      message: expect.stringContaining(`cannot write ${where}: `) as unknown,
    });
  });

  it.each([
    ['a path', '../../.bashrc.csv', /file name must be letters/],
    ['another extension', 'calls.exe', /file name must be letters/],
    ['a folder', 'sub/calls.csv', /file name must be letters/],
    ['no text', 'calls.csv', /expected string/],
  ])('refuses %s before any dialog opens', async (_name, fileName, message) => {
    const { asked, exportCsv } = setup((p) => ({ canceled: false, filePath: p }));
    const args = _name === 'no text' ? [fileName, 42, ROWS] : [fileName, 'A\r\n', ROWS];
    await expect(exportCsv(...args)).resolves.toMatchObject({
      ok: false,
      code: 'bad-request',
      message: expect.stringMatching(message) as unknown,
    });
    expect(asked).toEqual([]);
  });
});
