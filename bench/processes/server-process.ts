import { serveRpc, type Port } from '../lib/rpc';
import { isContender, SERVERS } from '../contenders/registry';
import type { BenchServer, ServerConfig } from '../contenders/types';

/**
 * A contender's server in its own process (forked by the orchestrator with --expose-gc), so its
 * CPU and memory are its own. Arguments: one JSON object {contender, mongoUri, dbName}.
 */
const port: Port = {
  send: (message) => process.send?.(message),
  onMessage: (listener) => {
    process.on('message', listener);
    return () => process.off('message', listener);
  },
};

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig & { contender: string };
  if (!isContender(config.contender)) throw new Error(`unknown contender ${config.contender}`);
  const start = SERVERS[config.contender];
  if (!start) throw new Error(`contender ${config.contender} has no server`);
  let server: BenchServer | null = null;
  let cpuMark = process.cpuUsage();
  let timeMark = performance.now();
  serveRpc(port, {
    start: async (params) => {
      server = await start({ ...config, ...(params as Partial<ServerConfig>) });
      return { url: server.url };
    },
    play: async (params) => {
      if (!server?.play)
        throw new Error(`contender ${config.contender} cannot play the trace itself`);
      return server.play((params as { rate: number }).rate);
    },
    /** Memory after a full GC, CPU share since the last markCpu, open connections/streams. */
    stats: () => {
      (globalThis as { gc?: () => void }).gc?.();
      const cpu = process.cpuUsage(cpuMark);
      const elapsedMs = performance.now() - timeMark;
      return {
        memory: process.memoryUsage(),
        cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
        counts: server?.counts() ?? { connections: 0, changeStreams: 0 },
      };
    },
    markCpu: () => {
      cpuMark = process.cpuUsage();
      timeMark = performance.now();
      return null;
    },
    stop: async () => {
      await server?.close();
      server = null;
      setImmediate(() => process.exit(0));
      return null;
    },
  });
  process.send?.({ rpc: 'hello' });
}

// The orchestrator is gone (killed or crashed): do not linger as an orphan.
process.on('disconnect', () => process.exit(0));

main().catch((error: unknown) => {
  console.error(`server process: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
