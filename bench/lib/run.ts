import { loadavg } from 'node:os';
import type { MongoClient } from 'mongodb';
import { SERVERS, type ContenderName } from '../contenders/registry';
import type { CollectResult } from '../processes/client-worker';
import { compareStates } from './arrivals';
import {
  startClientWorker,
  startServerProcess,
  type ClientWorker,
  type EmulatorProcess,
  type ServerProcess,
  type ServerStats,
} from './processes';
import { summarize, type LatencySummary } from './stats';
import { expectedFinalState, generateTrace, type TraceOptions } from './trace';
import { clock, playTrace, readFinalState, seedDatabase, type PlayResult } from './writer';

export interface RunParams {
  contender: ContenderName;
  /** Updates (writes) per second. */
  rate: number;
  clients: number;
  durationS: number;
  seed: number;
  activeCalls: number;
  campaigns: number;
  /** How long to wait, after the last write, for every client to hold every write. */
  drainMs: number;
  /** Worker threads that hold the clients. */
  workers: number;
  /**
   * Seconds of writes at the start left out of the latency figures (still checked for loss):
   * the clients have just parsed their snapshots, and the garbage that leaves is collected
   * in the first second.
   */
  warmupS: number;
  /** Clients that run the full client path (the rest are light; see contenders/light-client.ts). */
  fullClients: number;
}

export interface RunResult {
  contender: ContenderName;
  rate: number;
  clients: number;
  ops: number;
  achievedRate: number;
  writerMaxLagMs: number;
  latency: LatencySummary;
  /** Latency seen by the full clients alone (the real client path, its CPU included). */
  fullLatency: LatencySummary;
  fullClients: number;
  /** Writes that some client never held (summed over clients). */
  missingWrites: number;
  /** Clients whose final state differs from the database's. */
  clientsDiffering: number;
  diff: { missing: number; stale: number; extra: number };
  /** The database's final state matched the trace (sanity check of the writer and emulator). */
  databaseMatchesTrace: boolean;
  messagesPerUpdatePerClient: number;
  bytesPerUpdatePerClient: number;
  /** Deliveries (client-held writes) per second over the write window. */
  deliveriesPerSecond: number;
  drainMs: number;
  server: {
    cpuPercent: number;
    /** (heapUsed + external) after GC, in bytes: before clients, with clients idle, after the run. */
    heapEmpty: number;
    heapConnected: number;
    heapAfter: number;
    rssConnected: number;
    counts: { connections: number; changeStreams: number };
  } | null;
  /** CPU use during the write window, % of one core; loadAvg is the machine's 1-minute load. */
  cpu: { server: number | null; clients: number; emulator: number; loadAvg: number };
  phases: { setup: number; connect: number; play: number; drain: number };
  problems: string[];
  /** true when p99 < 250 ms, nothing lost and the writer kept the rate. */
  ok: boolean;
}

let dbCounter = 0;
const heapOf = (s: ServerStats) => s.memory.heapUsed + s.memory.external;

/** One run of one contender at one load: seed, connect, play the trace, drain, compare. */
export async function runOnce(
  mongo: MongoClient,
  emulator: EmulatorProcess,
  params: RunParams,
): Promise<RunResult> {
  const traceOptions: TraceOptions = {
    seed: params.seed,
    ops: Math.max(1, Math.round(params.rate * params.durationS)),
    activeCalls: params.activeCalls,
    campaigns: params.campaigns,
  };
  const runStart = clock();
  /** Where a run's wall time goes (ms), to keep the quick mode quick. */
  const phases = { setup: 0, connect: 0, play: 0, drain: 0 };
  const trace = generateTrace(traceOptions);
  const dbName = `bench_${process.pid}_${++dbCounter}`;
  const db = mongo.db(dbName);
  const hubDirect = params.contender === 'hub-direct';
  if (!hubDirect) await seedDatabase(db, trace);
  let server: ServerProcess | null = null;
  const workers: ClientWorker[] = [];
  try {
    const emulatorUri = emulator.uri;
    let url = `${emulatorUri}#${dbName}`;
    let heapEmpty = 0;
    if (SERVERS[params.contender]) {
      server = await startServerProcess(
        { contender: params.contender, mongoUri: emulatorUri, dbName },
        traceOptions,
      );
      url = server.url;
      heapEmpty = heapOf(await server.stats());
    }
    const origin = clock();
    phases.setup = origin - runStart;
    const workerCount = Math.max(1, Math.min(params.workers, params.clients));
    for (let w = 0; w < workerCount; w++) {
      const count =
        Math.floor(params.clients / workerCount) + (w < params.clients % workerCount ? 1 : 0);
      workers.push(
        await startClientWorker({
          contender: params.contender,
          url,
          count,
          fullCount: Math.min(
            count,
            Math.floor(params.fullClients / workerCount) +
              (w < params.fullClients % workerCount ? 1 : 0),
          ),
          trace: traceOptions,
          origin,
        }),
      );
    }
    await Promise.all(workers.map((w) => w.rpc.call('connect', undefined, 180_000)));
    phases.connect = clock() - origin;
    const connectedStats = server ? await server.stats() : null;
    await Promise.all(workers.map((w) => w.rpc.call('resetTraffic')));
    await server?.rpc.call('markCpu');
    await emulator.stats();
    const clientCpuMark = process.cpuUsage();
    const clientTimeMark = clock();

    const play =
      hubDirect && server
        ? await server.rpc.call<PlayResult>('play', { rate: params.rate }, 600_000)
        : await playTrace(db, trace, { rate: params.rate });
    const cpuStats = server ? await server.stats() : null;
    const clientCpu = process.cpuUsage(clientCpuMark);
    const clientsCpu =
      ((clientCpu.user + clientCpu.system) / 1000 / (clock() - clientTimeMark)) * 100;
    const emulatorCpu = (await emulator.stats()).cpuPercent;
    const loadAvg = loadavg()[0] ?? Number.NaN;
    const drainStart = clock();
    for (;;) {
      const progress = await Promise.all(
        workers.map((w) => w.rpc.call<{ complete: number }>('progress')),
      );
      const complete = progress.reduce((n, p) => n + p.complete, 0);
      if (complete >= params.clients || clock() - drainStart > params.drainMs) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const drainMs = clock() - drainStart;
    phases.play = drainStart - origin - phases.connect;
    phases.drain = drainMs;
    // Hub-direct has no database: the trace's own final state is the reference.
    const traceState = expectedFinalState(trace);
    const databaseState = hubDirect ? traceState : await readFinalState(db);
    const databaseMatchesTrace = compareStates(traceState, databaseState).equal;
    const afterStats = server ? await server.stats() : null;
    const expected = [...databaseState.entries()];
    const collected = await Promise.all(
      workers.map((w) =>
        w.rpc.call<CollectResult>(
          'collect',
          {
            writtenAt: play.writtenAt,
            expected,
            warmupSeq: Math.round(params.rate * params.warmupS),
          },
          120_000,
        ),
      ),
    );
    const latencies = concat(collected.map((c) => c.latencies));
    const fullLatencies = concat(collected.map((c) => c.fullLatencies));
    const sum = (pick: (c: CollectResult) => number) => collected.reduce((n, c) => n + pick(c), 0);
    const ops = trace.ops.length;
    const windowS = (play.finishedAt - play.startedAt + Math.max(0, drainMs)) / 1000;
    const latency = summarize(latencies);
    const missingWrites = sum((c) => c.missingWrites);
    const clientsDiffering = params.clients - sum((c) => c.equalClients);
    return {
      contender: params.contender,
      rate: params.rate,
      clients: params.clients,
      ops,
      achievedRate: play.achievedRate,
      writerMaxLagMs: play.maxLagMs,
      latency,
      fullLatency: summarize(fullLatencies),
      fullClients: Math.min(params.fullClients, params.clients),
      missingWrites,
      clientsDiffering,
      diff: {
        missing: sum((c) => c.missing),
        stale: sum((c) => c.stale),
        extra: sum((c) => c.extra),
      },
      databaseMatchesTrace,
      messagesPerUpdatePerClient: sum((c) => c.messages) / ops / params.clients,
      bytesPerUpdatePerClient: sum((c) => c.bytes) / ops / params.clients,
      deliveriesPerSecond: latencies.length / windowS,
      drainMs,
      server:
        server && connectedStats && cpuStats && afterStats
          ? {
              cpuPercent: cpuStats.cpuPercent,
              heapEmpty,
              heapConnected: heapOf(connectedStats),
              heapAfter: heapOf(afterStats),
              rssConnected: connectedStats.memory.rss,
              counts: afterStats.counts,
            }
          : null,
      cpu: {
        server: cpuStats?.cpuPercent ?? null,
        clients: clientsCpu,
        emulator: emulatorCpu,
        loadAvg,
      },
      phases,
      problems: collected.flatMap((c) => c.problems).slice(0, 10),
      ok:
        latency.p99 < 250 &&
        missingWrites === 0 &&
        clientsDiffering === 0 &&
        play.achievedRate >= params.rate * 0.95,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
    if (!hubDirect) await db.dropDatabase().catch(() => undefined);
  }
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
