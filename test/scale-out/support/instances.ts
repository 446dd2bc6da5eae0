/**
 * Several `callboard serve` processes (the built CLI) on loopback, each with its own port and
 * `--state-dir`, the same token, watching one database: what docs/operations.md, "Several
 * instances behind a load balancer", tells an admin to run. Each can be killed, stopped and
 * started again on its port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, type CliProcess } from '../../reliability/support/cli-process';
import { freePort } from '../../reliability/support/tcp-proxy';
import type { HealthReport } from '../../../src/server/metrics';

export interface Instance {
  name: string;
  port: number;
  /** `127.0.0.1:<port>`, as a balancer lists it. */
  address: string;
  url: string;
  process(): CliProcess;
  /** Starts it (again) on its port; resolves once it listens. */
  start(): Promise<void>;
  /** SIGTERM and the clean exit `serve` promises (code 0); resolves with how long it took. */
  stop(): Promise<number>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
  /** GET /healthz straight from the instance (not through a balancer). */
  health(): Promise<{ status: number; report: HealthReport }>;
  close(): Promise<void>;
}

export interface InstanceOptions {
  uri: string;
  dbName: string;
  token: string;
  /** The MongoDB URI of this instance, when it differs (a proxy in front of the database). */
  uriFor?: (index: number) => string;
  /** Extra environment for `serve` (e.g. CALLBOARD_MONGO_TIMEOUT_MS). */
  env?: NodeJS.ProcessEnv;
}

export async function startInstances(count: number, options: InstanceOptions): Promise<Instance[]> {
  const made: Instance[] = [];
  try {
    for (let i = 0; i < count; i++) made.push(await makeInstance(i, options));
    await Promise.all(made.map((x) => x.start()));
    return made;
  } catch (error) {
    await Promise.all(made.map((x) => x.close()));
    throw error;
  }
}

async function makeInstance(index: number, options: InstanceOptions): Promise<Instance> {
  const stateDir = await mkdtemp(join(tmpdir(), `callboard-scale-${index}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let current: CliProcess | null = null;
  const running = () =>
    current !== null && current.child.exitCode === null && current.child.signalCode === null;
  const instance: Instance = {
    name: `instance-${index}`,
    port,
    address: `127.0.0.1:${port}`,
    url,
    process: () => {
      if (!current) throw new Error(`instance-${index} was never started`);
      return current;
    },
    async start() {
      if (running()) throw new Error(`instance-${index} is already running`);
      // The token through the environment, as docs/operations.md advises (not visible in ps).
      current = spawnCli(
        [
          'serve',
          '--mongo',
          options.uriFor?.(index) ?? options.uri,
          '--db',
          options.dbName,
          '--port',
          String(port),
          '--state-dir',
          stateDir,
          '--static-dir',
          stateDir,
          '--log-level',
          process.env.CALLBOARD_SCALE_LOG_LEVEL ?? 'warn',
        ],
        { ...options.env, CALLBOARD_TOKEN: options.token },
      );
      await current.waitForOut(/listening on http/);
    },
    async stop() {
      const p = instance.process();
      const started = Date.now();
      p.child.kill('SIGTERM');
      const { code, signal } = await p.exited;
      if (code !== 0) {
        throw new Error(
          `instance-${index} exited with ${code ?? signal} on SIGTERM; stdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`,
        );
      }
      return Date.now() - started;
    },
    async kill() {
      const p = instance.process();
      p.child.kill('SIGKILL');
      await p.exited;
    },
    async health() {
      const response = await fetch(`${url}/healthz`);
      return { status: response.status, report: (await response.json()) as HealthReport };
    },
    async close() {
      await current?.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return instance;
}
