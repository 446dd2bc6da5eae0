#!/usr/bin/env node
// @ts-check
// `npm start`: build if out/ is missing or older than the sources, then launch the desktop
// app (the app itself starts in demo mode when nothing is configured). Where Electron cannot
// run (no binary and none can be downloaded, or no display), say so and name the web
// dashboard command instead. decideStart() is the whole decision, kept pure for its tests.
// Environment: ELECTRON_OVERRIDE_DIST_PATH (a folder holding the electron executable, as the
// electron package reads it); CALLBOARD_NO_ELECTRON_DOWNLOAD=1 skips the one download attempt.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const WEB_DASHBOARD_COMMAND = 'npx callboard serve --demo';
export const WEB_DASHBOARD_URL = 'http://127.0.0.1:7070';

/** What `npm run build` produces; all must exist for out/ to count as built. */
export const BUILD_OUTPUTS = [
  'out/main/index.js',
  'out/preload/index.js',
  'out/renderer/index.html',
  'out/cli/index.js',
];
/** What the build reads: newer than the oldest output means out/ is stale. */
export const BUILD_INPUTS = ['src', 'electron.vite.config.ts', 'vite.cli.config.mts'];

/**
 * @typedef {object} StartFacts
 * @property {number | null} builtAt oldest mtime among BUILD_OUTPUTS, null if one is missing
 * @property {number} sourcesChangedAt newest mtime among BUILD_INPUTS
 * @property {string | null} electronPath the Electron executable, null if there is none
 * @property {string} electronProblem why there is none (when electronPath is null)
 * @property {NodeJS.Platform} platform
 * @property {boolean} hasDisplay on Linux: DISPLAY or WAYLAND_DISPLAY is set
 * @property {boolean} isRoot running as root (Electron refuses its sandbox there on Linux)
 *
 * @typedef {{ build: boolean, buildReason: string } & (
 *   | { kind: 'launch', command: string, args: string[] }
 *   | { kind: 'web-dashboard', message: string }
 * )} StartPlan
 */

/** @param {StartFacts} facts @returns {StartPlan} */
export function decideStart(facts) {
  const build = facts.builtAt === null || facts.sourcesChangedAt > facts.builtAt;
  const buildReason =
    facts.builtAt === null
      ? 'out/ is not built yet'
      : build
        ? 'sources changed since the last build'
        : 'out/ is up to date';
  if (facts.electronPath === null) {
    return {
      build,
      buildReason,
      kind: 'web-dashboard',
      message: noElectronMessage(facts.electronProblem),
    };
  }
  if (facts.platform === 'linux' && !facts.hasDisplay) {
    return {
      build,
      buildReason,
      kind: 'web-dashboard',
      message: noElectronMessage(
        'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)',
      ),
    };
  }
  // Chromium will not run its sandbox as root on Linux and exits; containers often run as root.
  const args = facts.platform === 'linux' && facts.isRoot ? ['.', '--no-sandbox'] : ['.'];
  return { build, buildReason, kind: 'launch', command: facts.electronPath, args };
}

/** @param {string} problem */
export function noElectronMessage(problem) {
  return [
    `Callboard cannot start the desktop app here: ${problem}.`,
    '',
    'The web dashboard needs no Electron. Run',
    `  ${WEB_DASHBOARD_COMMAND}`,
    `and open ${WEB_DASHBOARD_URL} in a browser (live demo calls and campaigns).`,
    '',
    'To use an Electron you already have, set ELECTRON_OVERRIDE_DIST_PATH to the folder that',
    'holds its executable and run `npm start` again.',
    '',
  ].join('\n');
}

/** Newest mtime of a file, or of any file below a folder. @param {string} path */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** @param {string} root */
export function builtAt(root) {
  let oldest = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const file = join(root, output);
    if (!existsSync(file)) return null;
    oldest = Math.min(oldest, statSync(file).mtimeMs);
  }
  return oldest;
}

/**
 * The Electron executable as the `electron` package would find it, without its side effect
 * of downloading. @param {string} root @param {NodeJS.ProcessEnv} env
 * @returns {{ path: string | null, problem: string }}
 */
export function findElectron(root, env) {
  const packageDir = join(root, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron');
    return existsSync(candidate)
      ? { path: candidate, problem: '' }
      : {
          path: null,
          problem: `ELECTRON_OVERRIDE_DIST_PATH names ${candidate}, which does not exist`,
        };
  }
  if (!existsSync(packageDir)) {
    return { path: null, problem: 'the electron package is not installed (run `npm ci`)' };
  }
  const candidate = relative === null ? null : join(packageDir, 'dist', relative);
  if (candidate !== null && existsSync(candidate)) return { path: candidate, problem: '' };
  return {
    path: null,
    problem: 'no Electron binary is installed (node_modules/electron/dist is missing)',
  };
}

/**
 * Runs electron's own installer once; returns the last line of its error when it fails.
 * @param {string} root
 */
function fetchElectron(root) {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'the electron package has no installer';
  console.log('npm start: no Electron binary found; trying to download it once...');
  const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 300_000 });
  if (result.status === 0) return null;
  const lines = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n');
  const cause = lines.find((line) => /error|fail/i.test(line)) ?? lines[0] ?? 'no output';
  return cause.trim();
}

/** @param {string} root @param {NodeJS.ProcessEnv} env */
export async function start(root, env) {
  let electron = findElectron(root, env);
  if (
    electron.path === null &&
    !env.ELECTRON_OVERRIDE_DIST_PATH &&
    env.CALLBOARD_NO_ELECTRON_DOWNLOAD !== '1'
  ) {
    const failure = fetchElectron(root);
    electron = findElectron(root, env);
    if (electron.path === null && failure !== null) {
      electron = {
        path: null,
        problem: `${electron.problem}, and downloading it failed (${failure})`,
      };
    }
  }
  const plan = decideStart({
    builtAt: builtAt(root),
    sourcesChangedAt: Math.max(...BUILD_INPUTS.map((input) => newestMtime(join(root, input)))),
    electronPath: electron.path,
    electronProblem: electron.problem,
    platform: process.platform,
    hasDisplay: Boolean(env.DISPLAY || env.WAYLAND_DISPLAY),
    isRoot: process.getuid?.() === 0,
  });
  // Build even when Electron cannot run: the web dashboard command serves the same build.
  if (plan.build) {
    console.log(`npm start: building (${plan.buildReason})...`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const built = spawnSync(npm, ['run', 'build'], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (built.status !== 0) {
      console.error('npm start: the build failed (see above); nothing was started.');
      return built.status ?? 1;
    }
  }
  if (plan.kind === 'web-dashboard') {
    console.error(plan.message);
    return 1;
  }
  console.log('npm start: launching the desktop app...');
  const child = spawn(plan.command, plan.args, { cwd: root, stdio: 'inherit', env });
  const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((done) => {
    child.on('error', (error) => {
      console.error(
        noElectronMessage(`Electron at ${plan.command} could not be started (${error.message})`),
      );
      done(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      done(code ?? (signal ? 1 : 0));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(new URL('.', import.meta.url).pathname, '..');
  start(root, process.env).then((code) => {
    process.exitCode = code;
  });
}
