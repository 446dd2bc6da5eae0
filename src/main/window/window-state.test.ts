import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  loadWindowState,
  saveWindowState,
  visibleBounds,
} from './window-state';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-window-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('window state', () => {
  it('round-trips bounds', async () => {
    const file = join(dir, 'window-state.json');
    const state = { bounds: { x: 10, y: 20, width: 1280, height: 800 }, maximized: true };
    await saveWindowState(file, state);
    await expect(loadWindowState(file)).resolves.toEqual(state);
  });

  it.each([
    ['missing', null],
    ['corrupt', '{"bounds":'],
    ['tiny', JSON.stringify({ bounds: { x: 0, y: 0, width: 1, height: 1 }, maximized: false })],
    [
      'strings',
      JSON.stringify({ bounds: { x: '0', y: 0, width: 800, height: 600 }, maximized: false }),
    ],
  ])('falls back to defaults when the file is %s', async (_name, text) => {
    const file = join(dir, 'window-state.json');
    if (text !== null) await writeFile(file, text);
    await expect(loadWindowState(file)).resolves.toEqual(DEFAULT_WINDOW_STATE);
  });

  it('drops a position that is on no display any more', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const on = { x: 100, y: 100, width: 1280, height: 800 };
    expect(visibleBounds(on, displays)).toEqual(on);
    expect(visibleBounds({ ...on, x: 2500 }, displays)).toBeNull();
    expect(visibleBounds({ ...on, y: -700 }, displays)).toBeNull();
  });
});
