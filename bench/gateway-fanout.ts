/**
 * What the gateway's fan-out of one Hub flush costs the server: the real realtime server
 * (Hub + Socket.IO gateway) in this process, N WebSocket clients (raw Engine.IO v4 frames, so
 * the clients cost next to nothing) of which a share speak the seed protocol, and one-change
 * flushes one after the other. Times `hub.flush()` up to the end of its job (the gateway's
 * room broadcasts included) and waits until every client has the change before the next.
 * CPU time, not wall time, is the figure to compare on a shared machine.
 *
 *   npx jiti bench/gateway-fanout.ts [--clients 100] [--seed-share 0.1] [--flushes 2000]
 *
 * Figures from this machine are in docs/performance.md ("Callboard's server").
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import WebSocket from 'ws';
import { silentLogger } from '../src/shared/log';
import { createRealtimeServer } from '../src/server/realtime-server';

function option(name: string, fallback: string): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = Number(
    i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback,
  );
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
  return value;
}

const clients = option('clients', '100');
const seedShare = option('seed-share', '0.1');
const flushes = option('flushes', '2000');
const warmup = Math.min(200, flushes);

const call = (i: number, status: string) => ({
  _id: `id-${i}`,
  callSid: `CA${i}`,
  status,
  to: '+15550100',
  from: '+15550199',
  contactName: `Contact ${i}`,
  agentId: `agent-${i % 20}`,
  campaignId: `campaign-${i % 5}`,
  startTime: new Date().toISOString(),
});

interface CountingClient {
  ws: WebSocket;
  /** EVENT frames received. */
  events: number;
}

/** Counts the EVENT frames a client receives; resolves once it has its snapshot. */
function connect(url: string, subscribe: string): Promise<CountingClient> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const client: CountingClient = { ws, events: 0 };
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') ws.send('3');
      else if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) ws.send(`42${subscribe}`);
      else if (text.startsWith('42')) {
        client.events += 1;
        if (client.events === 1) resolve(client);
      }
    });
  });
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
/** Heap and external memory after a full GC (bytes). */
function liveMemory(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function main() {
  const server = createRealtimeServer({ logger: silentLogger, port: 0 });
  const { url } = await server.start();
  const hub = server.hub;
  hub.load(
    'calls',
    Array.from({ length: 200 }, (_, i) => call(i, 'in-progress')),
  );
  const memoryBefore = liveMemory();
  const seedCount = Math.round(clients * seedShare);
  const all: CountingClient[] = [];
  for (let i = 0; i < clients; i++) {
    all.push(
      await connect(url, i < seedCount ? '["subscribe:calls"]' : '["subscribe:calls",{"v":2}]'),
    );
  }
  const settle = async (expected: number) => {
    while (all.some((c) => c.events < expected)) await new Promise((r) => setImmediate(r));
  };

  await settle(1);
  // Server and clients share this process: compare versions, not with the bench's figure.
  const bytesPerClient = (liveMemory() - memoryBefore) / clients;

  let fanOutMs = 0;
  let fanOutCpuUs = 0;
  let cpuStart = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < warmup + flushes; i++) {
    if (i === warmup) {
      fanOutMs = 0;
      fanOutCpuUs = 0;
      cpuStart = process.cpuUsage();
    }
    hub.ingest('calls', [{ doc: call(i % 200, i % 2 ? 'in-progress' : 'ringing') }]);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    hub.flush();
    await Promise.resolve(); // the end of the flush's job: a broadcast that waits runs by now
    const cpu1 = process.cpuUsage(cpu0);
    fanOutMs += performance.now() - t0;
    fanOutCpuUs += cpu1.user + cpu1.system;
    // Every client has this flush (one event each) before the next: no queue builds up.
    await settle(i + 2);
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallS = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      clients,
      seedClients: seedCount,
      flushes,
      fanOutCpuUsPerFlush: Number((fanOutCpuUs / flushes).toFixed(1)),
      fanOutCpuUsPerClient: Number((fanOutCpuUs / flushes / clients).toFixed(2)),
      fanOutWallUsPerFlush: Number(((fanOutMs * 1000) / flushes).toFixed(1)),
      processCpuUsPerFlush: Number(((cpu.user + cpu.system) / flushes).toFixed(1)),
      wallS: Number(wallS.toFixed(1)),
      kBPerClient: Number((bytesPerClient / 1000).toFixed(1)),
    }),
  );
  for (const c of all) c.ws.close();
  await server.stop();
}

void main();
