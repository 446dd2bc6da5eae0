import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RpcClient, type Port } from './rpc';
import type { ClientWorkerData } from '../processes/client-worker';
import type { TraceOptions } from './trace';

/** Built entry points live next to out/bench/index.js. */
const HERE = __dirname;

function waitForHello(
  onMessage: Port['onMessage'],
  what: string,
  exited: Promise<string>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = onMessage((m) => {
      if ((m as { rpc?: string })?.rpc === 'hello') {
        stop();
        resolve();
      }
    });
    void exited.then((why) => reject(new Error(`${what} exited before it was ready: ${why}`)));
  });
}

function childPort(child: ChildProcess): Port {
  return {
    send: (message) => child.send(message as never),
    onMessage: (listener) => {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
  };
}

export interface EmulatorProcess {
  uri: string;
  stats(): Promise<{ memory: NodeJS.MemoryUsage; cpuPercent: number }>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(historySize = 100_000): Promise<EmulatorProcess> {
  const child = fork(join(HERE, 'emulator-process.js'), [String(historySize)], {
    stdio: 'inherit',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const uri = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { type?: string; uri?: string }) => {
      if (m?.type === 'ready' && m.uri) resolve(m.uri);
    });
    child.once('exit', (code) =>
      reject(new Error(`emulator process exited (code ${code}) before it was ready`)),
    );
  });
  return {
    uri,
    stats: () =>
      new Promise((resolve) => {
        const listener = (m: {
          type?: string;
          memory?: NodeJS.MemoryUsage;
          cpuPercent?: number;
        }) => {
          if (m?.type !== 'stats') return;
          child.off('message', listener);
          resolve({ memory: m.memory as NodeJS.MemoryUsage, cpuPercent: m.cpuPercent as number });
        };
        child.on('message', listener);
        child.send({ type: 'stats' });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

export interface ServerStats {
  memory: NodeJS.MemoryUsage;
  cpuPercent: number;
  counts: { connections: number; changeStreams: number };
}

export interface ServerProcess {
  url: string;
  rpc: RpcClient;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

export async function startServerProcess(
  config: { contender: string; mongoUri: string; dbName: string },
  trace?: TraceOptions,
): Promise<ServerProcess> {
  const child = fork(join(HERE, 'server-process.js'), [JSON.stringify(config)], {
    // BENCH_SERVER_NODE_ARGS: extra Node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    stdio: 'inherit',
    // Structured clone, so typed arrays (send times) cross intact.
    serialization: 'advanced',
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`code ${code} signal ${signal}`)),
  );
  const port = childPort(child);
  const rpc = new RpcClient(port, `${config.contender} server`);
  void exited.then((why) => rpc.failAll(`process exited (${why})`));
  await waitForHello(port.onMessage, `${config.contender} server`, exited);
  const { url } = await rpc.call<{ url: string }>('start', { trace }, 60_000);
  return {
    url,
    rpc,
    stats: () => rpc.call<ServerStats>('stats'),
    stop: async () => {
      if (child.exitCode === null) {
        await rpc.call('stop', undefined, 30_000).catch(() => child.kill());
        await exited;
      }
      rpc.dispose();
    },
  };
}

export interface ClientWorker {
  rpc: RpcClient;
  stop(): Promise<void>;
}

export async function startClientWorker(data: ClientWorkerData): Promise<ClientWorker> {
  const worker = new Worker(join(HERE, 'client-worker.js'), { workerData: data });
  const exited = new Promise<string>((resolve) =>
    worker.once('exit', (code) => resolve(`code ${code}`)),
  );
  const errors: string[] = [];
  worker.on('error', (error) => errors.push(error.stack ?? error.message));
  const port: Port = {
    send: (message, transfer) => worker.postMessage(message, transfer as never),
    onMessage: (listener) => {
      worker.on('message', listener);
      return () => worker.off('message', listener);
    },
  };
  const rpc = new RpcClient(port, `${data.contender} clients`);
  void exited.then((why) => rpc.failAll(`worker exited (${why}) ${errors.join('; ')}`));
  await waitForHello(
    port.onMessage,
    `${data.contender} client worker`,
    exited.then((w) => `${w} ${errors.join('; ')}`),
  );
  return {
    rpc,
    stop: async () => {
      await rpc.call('close', undefined, 30_000).catch(() => undefined);
      await worker.terminate();
      rpc.dispose();
    },
  };
}
