import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import {
  startClientWorker,
  startServerProcess,
  type ClientWorker,
  type ServerProcess,
} from '../lib/processes';
import { slope } from '../lib/stats';
import { createTraceStream, type TraceOp, type TraceOptions } from '../lib/trace';
import { clock, seedDatabase, writeBatch } from '../lib/writer';
import { BASE, type ScenarioContext } from './context';
import { openPage } from './renderer';

export interface SoakSample {
  /** Seconds since the soak started. */
  t: number;
  serverHeap: number;
  serverRss: number;
  connections: number;
  changeStreams: number;
  emulatorRss: number;
  rendererHeap: number | null;
  opsWritten: number;
}

export interface SoakFigures {
  minutes: number;
  rate: number;
  clients: number;
  warmupS: number;
  samples: SoakSample[];
  /** Least-squares growth after warm-up, in % of the mean per hour. */
  serverHeapGrowthPctPerHour: number;
  rendererHeapGrowthPctPerHour: number;
  connectionsFlat: boolean;
  changeStreamsFlat: boolean;
  /** What the clients reported (disconnections, resyncs), counted. */
  clientProblems: string[];
  /** Writes per second the writer achieved over the soak. */
  achievedRate: number;
}

const RATE = 200;
const CLIENTS = 100;

/**
 * (6) Soak: Callboard's server at 200 updates/s with 100 clients for MINUTES, plus the real
 * renderer (10,000 calls, 200 row updates/s) in Chromium; every sample is taken after a full
 * GC. The trace is streamed (never held whole), so a soak can run for hours.
 */
export async function measureSoak(ctx: ScenarioContext): Promise<SoakFigures> {
  const minutes = ctx.options.soakMinutes;
  const durationS = minutes * 60;
  const sampleEveryS = Math.max(5, Math.min(30, durationS / 40));
  // The Hub's bounded memories fill before memory can be flat: at 200 updates/s the replay ring
  // (10,000 per stream) takes 1-4 minutes, the ended-call memory (50,000 keys) about 40.
  const warmupS =
    ctx.options.warmupMinutes !== null
      ? ctx.options.warmupMinutes * 60
      : Math.min(40 * 60, durationS / 2);
  const trace = createTraceStream({
    seed: ctx.options.seed,
    ops: 0,
    activeCalls: BASE.activeCalls,
    campaigns: BASE.campaigns,
  });
  const db = ctx.mongo.db(`bench_soak_${process.pid}`);
  await seedDatabase(db, trace);
  let server: ServerProcess | null = null;
  const workers: ClientWorker[] = [];
  const browser = await chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  const samples: SoakSample[] = [];
  let clientProblems: string[];
  try {
    server = await startServerProcess({
      contender: 'callboard',
      mongoUri: ctx.emulatorUri,
      dbName: db.databaseName,
    });
    // The clients' trackers need no trace in a soak: a one-op trace keeps them small.
    const workerTrace: TraceOptions = { seed: 1, ops: 1, activeCalls: 1, campaigns: 1 };
    for (let w = 0; w < BASE.workers; w++) {
      workers.push(
        await startClientWorker({
          contender: 'callboard',
          url: server.url,
          count: CLIENTS / BASE.workers,
          fullCount: 1,
          trace: workerTrace,
          origin: clock(),
        }),
      );
    }
    await Promise.all(workers.map((w) => w.rpc.call('connect', undefined, 180_000)));
    const { page, close: closePage } = await openPage(browser, 'callboard');
    const cdp = await page.context().newCDPSession(page);
    const rendererHeap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return usage.usedSize;
    };

    const start = clock();
    const end = start + durationS * 1000;
    let written = 0;
    let stopped = false;
    // The renderer gets 200 row updates/s for as long as the soak runs, 10 s per call.
    const rendererLoop = (async () => {
      while (!stopped && clock() < end) {
        await page.evaluate(
          ([r, ms]) =>
            (
              window as unknown as { __bench: { run(r: number, ms: number): Promise<unknown> } }
            ).__bench.run(r, ms),
          [RATE, Math.min(10_000, Math.max(1000, end - clock()))] as const,
        );
      }
    })();
    const writerLoop = (async () => {
      const interval = 1000 / RATE;
      while (clock() < end) {
        const due = Math.floor((clock() - start) / interval) + 1;
        if (due <= written) {
          await new Promise((resolve) =>
            setTimeout(resolve, Math.max(1, start + written * interval - clock())),
          );
          continue;
        }
        const batch: TraceOp[] = [];
        while (written < due && batch.length < 500) {
          batch.push(trace.next());
          written++;
        }
        await writeBatch(db, batch, clock());
      }
    })();
    let nextSample = start;
    const reported = new Set<string>();
    while (clock() < end) {
      if (clock() >= nextSample) {
        const [stats, emulator, heap] = await Promise.all([
          server.stats(),
          ctx.emulator.stats(),
          rendererHeap(),
        ]);
        const sample: SoakSample = {
          t: (clock() - start) / 1000,
          serverHeap: stats.memory.heapUsed + stats.memory.external,
          serverRss: stats.memory.rss,
          connections: stats.counts.connections,
          changeStreams: stats.counts.changeStreams,
          emulatorRss: emulator.memory.rss,
          rendererHeap: heap,
          opsWritten: written,
        };
        samples.push(sample);
        ctx.log(
          `soak ${sample.t.toFixed(0)}s: server heap ${(sample.serverHeap / 2 ** 20).toFixed(1)} MiB, ` +
            `rss ${(sample.serverRss / 2 ** 20).toFixed(0)} MiB, ${sample.connections} connections, ` +
            `${sample.changeStreams} change streams, renderer heap ${(heap / 2 ** 20).toFixed(1)} MiB, ` +
            `${written} writes`,
        );
        const problems = (
          await Promise.all(workers.map((w) => w.rpc.call<string[]>('problems')))
        ).flat();
        const fresh = problems.filter((p) => !reported.has(p));
        for (const p of fresh) reported.add(p);
        if (fresh.length > 0) ctx.log(`  client problems: ${fresh.join(' | ')}`);
        nextSample += sampleEveryS * 1000;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    stopped = true;
    clientProblems = (
      await Promise.all(workers.map((w) => w.rpc.call<string[]>('problems')))
    ).flat();
    await writerLoop;
    await rendererLoop;
    await closePage();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
    await browser.close();
    await db.dropDatabase().catch(() => undefined);
  }
  const after = samples.filter((s) => s.t >= warmupS);
  const growth = (values: number[], times: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return (slope(times, values) * 3600 * 100) / mean;
  };
  const renderer = after.filter((s) => s.rendererHeap !== null);
  return {
    minutes,
    rate: RATE,
    clients: CLIENTS,
    warmupS,
    samples,
    serverHeapGrowthPctPerHour: growth(
      after.map((s) => s.serverHeap),
      after.map((s) => s.t),
    ),
    rendererHeapGrowthPctPerHour: growth(
      renderer.map((s) => s.rendererHeap as number),
      renderer.map((s) => s.t),
    ),
    achievedRate:
      (samples[samples.length - 1]?.opsWritten ?? 0) /
      Math.max(1, samples[samples.length - 1]?.t ?? 1),
    clientProblems,
    connectionsFlat: samples.every((s) => s.connections === CLIENTS),
    changeStreamsFlat: samples.every((s) => s.changeStreams === samples[0]?.changeStreams),
  };
}
