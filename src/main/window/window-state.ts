import { readFile } from 'node:fs/promises';
import { writePrivateFile } from '../../server/private-file';
import { z } from 'zod';

/**
 * The main window's size and position, remembered between runs in `window-state.json`
 * next to the settings. A saved position that no longer lies on any display (a monitor
 * was unplugged) is dropped, so the window never opens off screen.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect | null;
  maximized: boolean;
}

const rect = z.strictObject({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
});
const schema = z.strictObject({ bounds: rect.nullable(), maximized: z.boolean() });

export const DEFAULT_WINDOW_STATE: WindowState = { bounds: null, maximized: false };

export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writePrivateFile(file, JSON.stringify(state));
}

/** Keeps saved bounds only if at least 100x50 px of the window's top lies on some display. */
export function visibleBounds(bounds: Rect | null, displays: Rect[]): Rect | null {
  if (!bounds) return null;
  const visible = displays.some((d) => {
    const w = Math.min(bounds.x + bounds.width, d.x + d.width) - Math.max(bounds.x, d.x);
    const h = Math.min(bounds.y + 50, d.y + d.height) - Math.max(bounds.y, d.y);
    return w >= 100 && h >= 50;
  });
  return visible ? bounds : null;
}
