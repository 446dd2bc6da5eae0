// Packs the app for real with electron-builder (Linux `dir` target: the unpacked app, no
// installer) offline through CALLBOARD_ELECTRON_DIST, then reads app.asar. Installers
// (AppImage, deb, NSIS, dmg) need tools electron-builder downloads, so they cannot be built
// here; the app they wrap is this same folder. The Electron "distribution" is a folder with
// a placeholder `electron` executable: electron-builder only copies and renames it, and what
// is checked here is what electron-builder puts next to it.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_DIST_ENV, RENDERER_ONLY_DEPENDENCIES } from '../electron-builder';
import { dependencyClosure, runtimePackages } from './check-app-contents';
import type { PackageJson } from './check-packaging';

const root = resolve(__dirname, '..');
const built = ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html'].every(
  (file) => existsSync(join(root, file)),
);

/** The environment without vitest's markers: electron-builder goes silent when it sees them. */
function builderEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
  );
}

describe.skipIf(!built)(
  'electron-builder --linux dir, offline with a local Electron (needs `npm run build`)',
  () => {
    let work: string;
    let log = '';
    let exitCode: number | null = null;
    let entries: string[] = [];

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'callboard-package-'));
      const electronDist = join(work, 'electron-dist');
      await mkdir(join(electronDist, 'resources'), { recursive: true });
      await writeFile(join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n');
      await chmod(join(electronDist, 'electron'), 0o755);
      const builder = spawn(
        process.execPath,
        [
          join(root, 'node_modules', 'electron-builder', 'cli.js'),
          '--linux',
          'dir',
          '--x64',
          `--config.directories.output=${join(work, 'dist')}`,
        ],
        { cwd: root, env: { ...builderEnv(), [ELECTRON_DIST_ENV]: electronDist, CI: '1' } },
      );
      builder.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      builder.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      exitCode = await new Promise<number | null>((done) => builder.on('exit', done));
      const asar = join(work, 'dist', 'linux-unpacked', 'resources', 'app.asar');
      if (existsSync(asar)) entries = listPackage(asar, { isPack: false });
    }, 120_000);

    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('packs with the Electron named by the environment variable', () => {
      expect(exitCode, log).toBe(0);
      expect(log).toMatch(/loaded configuration\s+file=\S*electron-builder\.ts/);
      expect(log).toContain('using custom unpacked Electron distribution');
      expect(existsSync(join(work, 'dist', 'linux-unpacked', 'callboard'))).toBe(true);
    });

    it('packs the built app, package.json and the tray icons', () => {
      for (const file of [
        '/package.json',
        '/out/main/index.js',
        '/out/preload/index.js',
        '/out/renderer/index.html',
        '/build/tray/live-16.png',
        '/build/tray/alerting-16@2x.png',
        '/build/tray/disconnected-32.png',
      ]) {
        expect(entries, file).toContain(file);
      }
    });

    it('packs every package out/main and out/preload require at run time', () => {
      const missing = runtimePackages(root).filter(
        (name) => !entries.includes(`/node_modules/${name}/package.json`),
      );
      expect(missing).toEqual([]);
    });

    it('packs no sources, source maps, CLI build or build resources besides the tray icons', () => {
      const stray = entries.filter(
        (entry) =>
          entry.startsWith('/src') ||
          entry.startsWith('/tools') ||
          entry.startsWith('/out/cli') ||
          entry.endsWith('.map') ||
          (entry.startsWith('/build/') && !entry.startsWith('/build/tray')),
      );
      expect(stray).toEqual([]);
    });

    it('packs only production dependencies, without the renderer-only ones Vite bundled', async () => {
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson;
      const production = new Set(
        dependencyClosure(root, Object.keys(pkg.dependencies ?? {})).values(),
      );
      const packed = new Set(
        entries
          .map((entry) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(entry)?.[1])
          .filter((name): name is string => name !== undefined && !/^@[^/]+$/.test(name)),
      );
      expect(packed.size).toBeGreaterThan(0);
      expect([...packed].filter((name) => !production.has(name))).toEqual([]);
      expect([...packed].filter((name) => RENDERER_ONLY_DEPENDENCIES.includes(name))).toEqual([]);
      const devOnly = Object.keys(pkg.devDependencies ?? {}).filter(
        (name) => !production.has(name),
      );
      expect([...packed].filter((name) => devOnly.includes(name))).toEqual([]);
    });
  },
);
