import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILD_OUTPUTS,
  decideStart,
  findElectron,
  WEB_DASHBOARD_COMMAND,
  type StartFacts,
} from './start.mjs';

const root = resolve(__dirname, '..');

const ready: StartFacts = {
  builtAt: 2_000,
  sourcesChangedAt: 1_000,
  electronPath: '/opt/electron/electron',
  electronProblem: '',
  platform: 'linux',
  hasDisplay: true,
  isRoot: false,
};

describe('decideStart', () => {
  it('launches the built app with Electron when out/ is current and a binary exists', () => {
    expect(decideStart(ready)).toEqual({
      build: false,
      buildReason: 'out/ is up to date',
      kind: 'launch',
      command: '/opt/electron/electron',
      args: ['.'],
    });
  });

  it.each([
    ['out/ is missing', { builtAt: null }, 'out/ is not built yet'],
    [
      'a source is newer than out/',
      { sourcesChangedAt: 3_000 },
      'sources changed since the last build',
    ],
  ])('builds first when %s', (_case, change, reason) => {
    const plan = decideStart({ ...ready, ...change });
    expect(plan).toMatchObject({ build: true, buildReason: reason, kind: 'launch' });
  });

  it('names the web dashboard command when there is no Electron binary, and still builds', () => {
    const plan = decideStart({
      ...ready,
      builtAt: null,
      electronPath: null,
      electronProblem: 'no Electron binary is installed (node_modules/electron/dist is missing)',
    });
    expect(plan.build).toBe(true);
    expect(plan.kind).toBe('web-dashboard');
    if (plan.kind !== 'web-dashboard') return;
    expect(plan.message).toContain('no Electron binary is installed');
    expect(plan.message).toContain(WEB_DASHBOARD_COMMAND);
    expect(plan.message).toContain('http://127.0.0.1:7070');
  });

  it('does not launch Electron on a Linux machine without a display', () => {
    const plan = decideStart({ ...ready, hasDisplay: false });
    expect(plan.kind).toBe('web-dashboard');
    if (plan.kind === 'web-dashboard') expect(plan.message).toContain('no display');
  });

  it('turns the Chromium sandbox off only for root on Linux, where Electron refuses to start with it', () => {
    const asRoot = decideStart({ ...ready, isRoot: true });
    expect(asRoot.kind === 'launch' && asRoot.args).toEqual(['.', '--no-sandbox']);
    const macRoot = decideStart({ ...ready, platform: 'darwin', isRoot: true });
    expect(macRoot.kind === 'launch' && macRoot.args).toEqual(['.']);
  });

  it('launches on Windows and macOS without looking for DISPLAY', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      expect(decideStart({ ...ready, platform, hasDisplay: false }).kind).toBe('launch');
    }
  });
});

describe('findElectron', () => {
  it('reports an ELECTRON_OVERRIDE_DIST_PATH that holds no executable', () => {
    const found = findElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent/electron-dist' });
    expect(found.path).toBeNull();
    expect(found.problem).toContain('/nonexistent/electron-dist');
  });
});

/** A copy of the project whose out/ is already built, so the start script never builds. */
async function builtProject(): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'callboard-start-'));
  await mkdir(join(project, 'tools'));
  await copyFile(join(root, 'tools', 'start.mjs'), join(project, 'tools', 'start.mjs'));
  await symlink(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');
  await mkdir(join(project, 'src'));
  await writeFile(join(project, 'src', 'index.ts'), '');
  const old = new Date(Date.now() - 60_000);
  await utimes(join(project, 'src', 'index.ts'), old, old);
  await utimes(join(project, 'src'), old, old);
  for (const output of BUILD_OUTPUTS) {
    await mkdir(dirname(join(project, output)), { recursive: true });
    await writeFile(join(project, output), '');
  }
  return project;
}

async function runStart(project: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(project, 'tools', 'start.mjs')], {
    cwd: project,
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  return { code, output };
}

describe('npm start with an Electron named by ELECTRON_OVERRIDE_DIST_PATH', () => {
  let project: string | undefined;
  afterEach(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('launches it on the project folder and exits with its exit code', async () => {
    project = await builtProject();
    // Stands in for the Electron executable: records how it was started, exits 3.
    const dist = join(project, 'electron-dist');
    await mkdir(dist);
    const record = join(project, 'launched.json');
    await writeFile(
      join(dist, 'electron'),
      `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));\nprocess.exit(3);\n`,
    );
    await chmod(join(dist, 'electron'), 0o755);

    const { code, output } = await runStart(project, {
      PATH: process.env.PATH,
      DISPLAY: ':0',
      ELECTRON_OVERRIDE_DIST_PATH: dist,
    });

    expect(code, output).toBe(3);
    expect(output).toContain('launching the desktop app');
    const launched = JSON.parse(await readFile(record, 'utf8')) as { args: string[]; cwd: string };
    expect(launched.args[0]).toBe('.');
    expect(await realpath(launched.cwd)).toBe(await realpath(project));
  });
});

// The real script, spawned as `npm start` would run it, from a copy of the project whose
// out/ is already built (so the test never runs a build). node_modules is the real one: the
// answer depends on whether this machine has an Electron binary.
const hasElectronBinary = findElectron(root, {}).path !== null;

describe.skipIf(hasElectronBinary)('npm start on a machine without an Electron binary', () => {
  let project: string | undefined;
  afterEach(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('exits 1 with a message naming the web dashboard command', async () => {
    project = await builtProject();
    // No download attempt from a test: it would write a binary into the real node_modules.
    const { code, output } = await runStart(project, {
      PATH: process.env.PATH,
      CALLBOARD_NO_ELECTRON_DOWNLOAD: '1',
    });

    expect(code).toBe(1);
    expect(output).toContain('no Electron binary is installed');
    expect(output).toContain(`Run\n  ${WEB_DASHBOARD_COMMAND}\n`);
    expect(output).not.toContain('building');
    expect(existsSync(join(project, 'out', 'main', 'index.js'))).toBe(true);
  });
});
