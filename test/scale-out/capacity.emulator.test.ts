/**
 * Capacity, on demand (`CALLBOARD_SCALE_CAPACITY=1`; not in CI): how many clients one
 * instance holds at 200 updates/s, and how many two instances behind nginx (the shipped
 * example, TLS) hold, in the same run; and what each instance costs per client (CPU and
 * memory), for sizing. Steps of CALLBOARD_SCALE_STEP clients (default 100) up to
 * CALLBOARD_SCALE_MAX_CLIENTS (default 400), CALLBOARD_SCALE_SECONDS (default 20) each, every
 * step on a fresh database with fresh instances. A step is held when every client goes live,
 * reports no problem, and shows exactly what MongoDB holds (digest of every field), checked
 * until 10 s after the writer stopped (the time taken is reported). The clients (the real RemoteFeed, in a child process) and
 * the writer share the machine's cores with the servers: on 2 cores, two instances measure
 * the balancer's overhead, not a second machine's worth of capacity. Figures go to
 * test/reliability/results/scale-out-capacity.json.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { truthDigest } from '../reliability/support/db-digest';
import { until } from '../reliability/support/harness';
import { startLoadClients, type LoadClients } from '../reliability/support/load-process';
import { startLoadWriter } from '../reliability/support/load-writer';
import { writeResults } from '../reliability/support/results';
import { CLI_BUILT, loadAverage, openDatabase } from './support/cluster';
import { startInstances, type Instance } from './support/instances';
import { NGINX, startNginx, type Nginx } from './support/nginx';
import type { Harness } from '../reliability/support/harness';
import type { CliProcess } from '../reliability/support/cli-process';

const ON = process.env.CALLBOARD_SCALE_CAPACITY === '1';
const RATE = Number(process.env.CALLBOARD_SCALE_RATE ?? 200);
const STEP = Number(process.env.CALLBOARD_SCALE_STEP ?? 100);
const MAX = Number(process.env.CALLBOARD_SCALE_MAX_CLIENTS ?? 400);
const SECONDS = Number(process.env.CALLBOARD_SCALE_SECONDS ?? 20);
const TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s
const MB = 1024 * 1024;

/** CPU seconds a process used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}
function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) * 1024 : NaN;
}
/** nginx's worker processes: the children of its master. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const s = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

export interface CapacityRow {
  setup: string;
  clients: number;
  held: boolean;
  why: string;
  achievedRate: number;
  /** CPU cores used per instance during the run (CPU seconds / wall seconds). */
  instanceCores: number[];
  instanceRssMB: number[];
  balancerCores: number | null;
  convergeMs: number;
  loadAverage: string;
}

let state: {
  h?: Harness;
  emulator?: CliProcess;
  instances?: Instance[];
  nginx?: Nginx;
  load?: LoadClients;
} = {};
afterEach(async () => {
  await state.load?.stop().catch(() => {});
  await state.nginx?.stop().catch(() => {});
  await state.h?.close();
  await state.emulator?.close();
  state = {};
}, 60_000);

/** One step: `count` instances (behind nginx when more than one), `clients` clients, RATE. */
async function step(count: number, clients: number): Promise<CapacityRow> {
  const setup = count === 1 ? '1 instance, direct' : `${count} instances behind nginx (TLS)`;
  const { h, emulator } = await openDatabase();
  state.h = h;
  if (emulator) state.emulator = emulator;
  const token = 'capacity-token-0123456789abcdef';
  const instances = await startInstances(count, {
    uri: h.target.uri,
    dbName: h.target.dbName,
    token,
  });
  state.instances = instances;
  for (const x of instances) h.defer(() => x.close());
  let url = instances[0]!.url;
  let ca: string | undefined;
  if (count > 1) {
    const nginx = await startNginx(instances.map((x) => x.address));
    state.nginx = nginx;
    url = nginx.url;
    ca = nginx.cert.pem;
  }
  const writer = await startLoadWriter(h.db, RATE);
  h.defer(() => writer.stop());
  const row: CapacityRow = {
    setup,
    clients,
    held: false,
    why: '',
    achievedRate: 0,
    instanceCores: [],
    instanceRssMB: [],
    balancerCores: null,
    convergeMs: NaN,
    loadAverage: loadAverage(),
  };
  try {
    state.load = await startLoadClients(url, clients, token, 60_000 + clients * 200, {
      distinctAddresses: count > 1,
      ...(ca !== undefined ? { ca } : {}),
    });
  } catch (error) {
    await writer.stop();
    row.why = `clients not live: ${(error as Error).message.slice(0, 200)}`;
    return row;
  }
  const pids = instances.map((x) => x.process().child.pid!);
  const balancerPids = state.nginx ? childrenOf(state.nginx.pid) : [];
  const cpu0 = pids.map(cpuSeconds);
  const lb0 = balancerPids.reduce((a, p) => a + cpuSeconds(p), 0);
  const writes0 = writer.writes();
  const started = Date.now();
  const end = started + SECONDS * 1000;
  await until(() => Date.now() >= end, 'the measuring window', SECONDS * 1000 + 5000);
  const wall = (Date.now() - started) / 1000;
  row.instanceCores = pids.map(
    (p, i) => Math.round(((cpuSeconds(p) - cpu0[i]!) / wall) * 100) / 100,
  );
  row.instanceRssMB = pids.map((p) => Math.round(rssBytes(p) / MB));
  if (balancerPids.length > 0) {
    row.balancerCores =
      Math.round(((balancerPids.reduce((a, p) => a + cpuSeconds(p), 0) - lb0) / wall) * 100) / 100;
  }
  row.achievedRate = Math.round((writer.writes() - writes0) / wall);
  row.loadAverage = loadAverage();
  await writer.stop();
  const stoppedAt = Date.now();
  const truth = (await truthDigest(h.db)).digest;
  for (;;) {
    const { digests } = await state.load.digests(60_000);
    const behind = digests.filter((d) => d.digest !== truth);
    const problems = digests.filter((d) => d.problems.length > 0);
    if (problems.length > 0) {
      row.why = `${problems.length} clients reported problems: ${problems[0]!.problems[0]}`;
      break;
    }
    if (behind.length === 0) {
      row.held = true;
      row.convergeMs = Date.now() - stoppedAt;
      row.why = 'every client live and exact';
      break;
    }
    if (Date.now() - stoppedAt > 10_000) {
      row.why = `${behind.length} of ${clients} clients still differ from MongoDB 10 s after the writer stopped`;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return row;
}

describe.skipIf(!ON || !NGINX || !CLI_BUILT)(
  `capacity at ${RATE} updates/s: 1 instance vs 2 behind nginx${
    !ON ? ': on demand only, CALLBOARD_SCALE_CAPACITY=1' : ''
  }${!NGINX ? ': skipped, no nginx binary' : ''}`,
  () => {
    it(
      'clients held by one instance and by two behind nginx, and the cost per client',
      async () => {
        const rows: CapacityRow[] = [];
        const held: Record<number, number> = { 1: 0, 2: 0 };
        for (const count of [1, 2]) {
          for (let clients = STEP; clients <= MAX; clients += STEP) {
            const row = await step(count, clients);
            rows.push(row);
            await state.load?.stop().catch(() => {});
            await state.nginx?.stop().catch((error: Error) => (row.why += `; ${error.message}`));
            await state.h?.close();
            await state.emulator?.close();
            state = {};
            if (!row.held) break;
            held[count] = clients;
          }
        }
        // Cost per 100 clients on one instance: least squares over the single-instance steps
        // measured (clients live), held or not: what a client costs does not depend on keeping up.
        const single = rows.filter((r) => r.setup.startsWith('1 ') && r.instanceCores.length > 0);
        const slope = (ys: number[]) => {
          const xs = single.map((r) => r.clients);
          const n = xs.length;
          if (n < 2) return { per100: NaN, base: NaN };
          const mx = xs.reduce((a, b) => a + b, 0) / n;
          const my = ys.reduce((a, b) => a + b, 0) / n;
          let num = 0;
          let den = 0;
          xs.forEach((x, i) => {
            num += (x - mx) * (ys[i]! - my);
            den += (x - mx) ** 2;
          });
          const k = num / den;
          return {
            per100: Math.round(k * 100 * 1000) / 1000,
            base: Math.round((my - k * mx) * 1000) / 1000,
          };
        };
        const cpu = slope(single.map((r) => r.instanceCores[0]!));
        const mem = slope(single.map((r) => r.instanceRssMB[0]!));
        writeResults('scale-out-capacity', rows, {
          rate: RATE,
          step: STEP,
          max: MAX,
          seconds: SECONDS,
          heldOne: held[1],
          heldTwo: held[2],
          ratio: held[1] ? Math.round((held[2]! / held[1]!) * 100) / 100 : null,
          cpuCoresPer100Clients: cpu.per100,
          cpuCoresAtZeroClients: cpu.base,
          rssMBPer100Clients: mem.per100,
          rssMBAtZeroClients: mem.base,
        });
        // A measurement, not a timing assertion: it only has to have measured something.
        expect(rows.length).toBeGreaterThan(0);
      },
      60 * 60_000,
    );
  },
);
