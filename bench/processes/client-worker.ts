import { parentPort, workerData } from 'node:worker_threads';
import { ArrivalTracker, compareStates } from '../lib/arrivals';
import { serveRpc, TransferList, type Port } from '../lib/rpc';
import { generateTrace, seqsByKey, type TraceOptions } from '../lib/trace';
import { clock } from '../lib/writer';
import { CLIENTS, isContender, LIGHT_CLIENTS } from '../contenders/registry';
import type { BenchClient } from '../contenders/types';

/**
 * A worker thread holding a share of the clients of one run. It regenerates the trace from
 * its options (the trace is deterministic) to know which writes went to which key.
 */
export interface ClientWorkerData {
  contender: string;
  url: string;
  count: number;
  /** How many of `count` run the contender's full client path; the rest are light. */
  fullCount: number;
  trace: TraceOptions;
  /** Absolute ms that arrival times are measured from. */
  origin: number;
}

export interface CollectResult {
  /** Write-to-state latency (ms) of every write, in every client of this worker. */
  latencies: Float64Array;
  /** The same, for the full clients only. */
  fullLatencies: Float64Array;
  missingWrites: number;
  clients: number;
  equalClients: number;
  missing: number;
  stale: number;
  extra: number;
  messages: number;
  bytes: number;
  problems: string[];
}

const data = workerData as ClientWorkerData;
const parent = parentPort;
if (!parent) throw new Error('client-worker must run in a worker thread');
const port: Port = {
  send: (message, transfer) => parent.postMessage(message, transfer as never),
  onMessage: (listener) => {
    parent.on('message', listener);
    return () => parent.off('message', listener);
  },
};

if (!isContender(data.contender)) throw new Error(`unknown contender ${data.contender}`);
const factory = CLIENTS[data.contender];
const lightFactory = LIGHT_CLIENTS[data.contender];
if (!factory || !lightFactory) throw new Error(`contender ${data.contender} has no client`);
const trace = generateTrace(data.trace);
const byKey = seqsByKey(trace);
const totalOps = trace.ops.length;
const entries: { client: BenchClient; tracker: ArrivalTracker; full: boolean }[] = [];
/** Problems reported by the clients, counted by text (a hundred clients say the same thing). */
const problemCounts = new Map<string, number>();
const onProblem = (problem: string) => {
  const text = problem.slice(0, 300);
  if (problemCounts.has(text) || problemCounts.size < 50) {
    problemCounts.set(text, (problemCounts.get(text) ?? 0) + 1);
  }
};
const problemList = (): string[] =>
  [...problemCounts].map(([text, count]) => (count > 1 ? `${count}x ${text}` : text));

serveRpc(port, {
  connect: async () => {
    const concurrency = 20;
    for (let i = 0; i < data.count; i += concurrency) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(data.count, i + concurrency); j++) {
        const tracker = new ArrivalTracker(byKey, totalOps, data.origin);
        const full = j < data.fullCount;
        const client = (full ? factory : lightFactory)({
          url: data.url,
          tracker,
          now: clock,
          onProblem,
        });
        entries.push({ client, tracker, full });
        batch.push(client.ready);
      }
      await Promise.all(batch);
    }
    return { connected: entries.length };
  },
  resetTraffic: () => {
    for (const { client } of entries) {
      client.traffic.messages = 0;
      client.traffic.bytes = 0;
    }
    return null;
  },
  progress: () => {
    let complete = 0;
    let held = 0;
    for (const { tracker } of entries) {
      if (tracker.isComplete()) complete++;
      held += tracker.heldCount;
    }
    return { complete, held };
  },
  collect: (params) => {
    const { writtenAt, expected, warmupSeq } = params as {
      warmupSeq: number;
      writtenAt: Float64Array;
      expected: [string, number][];
    };
    const relative = writtenAt.map((t) => t - data.origin);
    const expectedMap = new Map(expected);
    const result: Omit<CollectResult, 'latencies' | 'fullLatencies'> = {
      missingWrites: 0,
      clients: entries.length,
      equalClients: 0,
      missing: 0,
      stale: 0,
      extra: 0,
      messages: 0,
      bytes: 0,
      problems: problemList(),
    };
    const all: number[] = [];
    const fullOnly: number[] = [];
    for (const { client, tracker, full } of entries) {
      const { values, missing } = tracker.latencies(relative, totalOps, warmupSeq);
      for (const v of values) all.push(v);
      if (full) for (const v of values) fullOnly.push(v);
      result.missingWrites += missing;
      const diff = compareStates(expectedMap, client.finalState());
      if (diff.equal) result.equalClients++;
      result.missing += diff.missing;
      result.stale += diff.stale;
      result.extra += diff.extra;
      result.messages += client.traffic.messages;
      result.bytes += client.traffic.bytes;
    }
    const latencies = Float64Array.from(all);
    const fullLatencies = Float64Array.from(fullOnly);
    return new TransferList({ ...result, latencies, fullLatencies }, [
      latencies.buffer,
      fullLatencies.buffer,
    ]);
  },
  problems: () => problemList(),
  close: async () => {
    await Promise.all(entries.map(({ client }) => client.close().catch(() => undefined)));
    return null;
  },
});
port.send({ rpc: 'hello' });
