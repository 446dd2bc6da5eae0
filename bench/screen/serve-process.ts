import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built `callboard serve`, as an admin runs it: watcher, hub, gateway and the dashboard. */
export interface ServeProcess {
  /** http://127.0.0.1:PORT, as the server printed it. */
  url: string;
  pid: number;
  /** What it printed so far (for an error message). */
  output(): string;
  stop(): Promise<void>;
}

const BIN = resolve('bin', 'callboard.js');
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

export async function startServe(options: {
  mongoUri: string;
  dbName: string;
  token: string;
  timeoutMs?: number;
}): Promise<ServeProcess> {
  for (const built of [
    ['out', 'cli', 'index.js'],
    ['out', 'renderer', 'index.html'],
  ]) {
    if (!existsSync(resolve(...built))) {
      throw new Error(`${built.join('/')} is missing: run \`npm run build\` first`);
    }
  }
  // A fresh state dir: a resume token left by an earlier run names another emulator's history.
  const stateDir = mkdtempSync(join(tmpdir(), 'callboard-bench-serve-'));
  const args = [
    BIN,
    'serve',
    '--mongo',
    options.mongoUri,
    '--db',
    options.dbName,
    '--token',
    options.token,
    '--port',
    '0',
    '--state-dir',
    stateDir,
    '--log-level',
    'warn',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<string>((done) =>
    child.once('exit', (code, signal) => done(`code ${code} signal ${signal}`)),
  );
  const timeoutMs = options.timeoutMs ?? 60_000;
  const url = await new Promise<string>((found, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`callboard serve printed no URL within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        found(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((why) => {
      clearTimeout(timer);
      fail(new Error(`callboard serve exited (${why}) before listening:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid ?? -1,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
