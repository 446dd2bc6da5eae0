/** Builds support/load-clients.ts with vite (npm deps stay external) and forks it. */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientDigest, LoadRequest, LoadRouting } from './load-clients';
import { ROOT } from './cli-process';

export interface LoadClients {
  request<T>(message: LoadRequest, reply: string, ms?: number): Promise<T>;
  digests(ms?: number): Promise<{ digests: ClientDigest[]; memory: NodeJS.MemoryUsage }>;
  stop(): Promise<{ handles: number; names: string[]; code: number | null }>;
}

export async function startLoadClients(
  url: string,
  clients: number,
  token?: string,
  readyMs = 60_000,
  routing?: LoadRouting,
): Promise<LoadClients> {
  // Inside the project, so the built file resolves the project's node_modules.
  const cache = join(ROOT, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const outDir = await mkdtemp(join(cache, 'callboard-reliability-load-'));
  // In its own process: the bundler's workers must not outlive it inside the test worker.
  const built = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(__dirname, 'load-clients.vite.config.mts'),
    ],
    { cwd: ROOT, env: { ...process.env, CALLBOARD_LOAD_OUT: outDir }, encoding: 'utf8' },
  );
  if (built.status !== 0)
    throw new Error(`building the load clients failed:\n${built.stderr}${built.stdout}`);
  const child: ChildProcess = fork(join(outDir, 'load-clients.js'), [], {
    cwd: ROOT,
    // CALLBOARD_LOAD_NODE_ARGS: extra Node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    execArgv: process.env.CALLBOARD_LOAD_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let progress = 'none yet';
  child.on('message', (m: { type?: string; statuses?: unknown }) => {
    if (m?.type === 'progress') progress = JSON.stringify(m.statuses);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => rm(outDir, { recursive: true, force: true }));
  const next = <T>(type: string, ms: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', on);
        reject(
          new Error(
            `the load clients did not answer "${type}" within ${ms} ms (client statuses: ${progress})`,
          ),
        );
      }, ms);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the load clients exited (code ${code}) before answering "${type}"`));
      });
      const on = (m: unknown) => {
        if ((m as { type?: string }).type !== type) return;
        clearTimeout(timer);
        child.off('message', on);
        resolve(m as T);
      };
      child.on('message', on);
    });
  await next('hello', 20_000);
  const api: LoadClients = {
    async request<T>(message: LoadRequest, reply: string, ms = 30_000) {
      const answer = next<T>(reply, ms);
      child.send(message);
      return answer;
    },
    digests: (ms = 30_000) => api.request({ type: 'digest' }, 'digest', ms),
    async stop() {
      if (child.exitCode !== null) return { handles: 0, names: [], code: child.exitCode };
      const stopped = api.request<{ handles: number; names: string[] }>(
        { type: 'stop' },
        'stopped',
        15_000,
      );
      const { handles, names } = await stopped;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return { handles, names, code };
    },
  };
  api.digests = (ms = 30_000) => api.request({ type: 'digest' }, 'digest', ms);
  try {
    await api.request(
      { type: 'start', url, clients, ...(token ? { token } : {}), ...(routing ? { routing } : {}) },
      'ready',
      readyMs,
    );
  } catch (error) {
    // Not left running with its sockets open when the caller never gets to stop it.
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return api;
}
