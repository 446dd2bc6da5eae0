import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';

/**
 * Finds the Electron binary the way the `electron` package does (path.txt inside
 * node_modules/electron/dist), without requiring the package: its index.js would try to
 * download the binary, which cannot work on machines without network access.
 */
export function electronBinary(): string | null {
  const root = resolve('node_modules/electron');
  const dist = join(root, 'dist');
  if (!existsSync(dist)) return null;
  const pathFile = join(root, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

export const NO_ELECTRON_REASON =
  'no Electron binary: node_modules/electron/dist is missing; see README';

export interface LaunchedApp {
  app: ElectronApplication;
  userData: string;
  close(): Promise<void>;
}

/** Launches the built app (out/main) in demo mode with a fresh user data folder. */
export async function launchApp(env: Record<string, string> = {}): Promise<LaunchedApp> {
  const executablePath = electronBinary();
  if (!executablePath) throw new Error(NO_ELECTRON_REASON);
  if (!existsSync('out/main/index.js'))
    throw new Error('out/main/index.js is missing: run `npm run build`');
  const userData = mkdtempSync(join(tmpdir(), 'callboard-electron-'));
  const app = await _electron.launch({
    executablePath,
    args: ['.', '--no-sandbox'],
    env: { ...process.env, ...env, CALLBOARD_USER_DATA_DIR: userData } as Record<string, string>,
  });
  return {
    app,
    userData,
    async close() {
      await app.close().catch(() => {});
      rmSync(userData, { recursive: true, force: true });
    },
  };
}
