/**
 * Load: N clients (the real RemoteFeed + shared reducer, in a child process so the clients'
 * CPU does not starve the server) while a writer aims at 500 updates/s, through the real
 * Watcher -> Hub -> gateway, with the emulator in a process of its own. The CI form is 50
 * clients for 30 s (CALLBOARD_LOAD_CLIENTS / _SECONDS / _RATE change it); the issue's quick run
 * is `CALLBOARD_LOAD_CLIENTS=200 CALLBOARD_LOAD_SECONDS=600` and the soak `...=3600`
 * (docs/reliability.md). The writer's achieved rate is reported, not asserted.
 * Asserts: every client ends with exactly what MongoDB holds (digest of every field of every
 * active document); the server's live heap (after a full GC) at the end stays within a
 * generous bound of the live heap after warm-up; and nothing leaks: no subscriber, socket or handle is left once the
 * clients and the server stop. Figures go to results/load.json.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { scrape } from '../../src/server/scrape.test-support';
import { CLI_BUILT, spawnCli, type CliProcess } from './support/cli-process';
import { truthDigest } from './support/db-digest';
import { openHarness, until, type Harness } from './support/harness';
import { startLoadClients, type LoadClients } from './support/load-process';
import { startLoadWriter } from './support/load-writer';
import { writeResults } from './support/results';

const SECONDS = Number(process.env.CALLBOARD_LOAD_SECONDS ?? 30);
const CLIENTS = Number(process.env.CALLBOARD_LOAD_CLIENTS ?? 50);
const RATE = Number(process.env.CALLBOARD_LOAD_RATE ?? 500);
const MB = 1024 * 1024;

let h: Harness | undefined;
let load: LoadClients | undefined;
let emulatorProcess: CliProcess | undefined;
afterEach(async () => {
  await load?.stop().catch(() => {});
  await h?.close();
  await emulatorProcess?.close();
}, 60_000);

const heapUsed = () => v8.getHeapStatistics().used_heap_size;
// The live heap, what a leak grows: garbage (the ground-truth read of every document, say)
// is collected first. The flag is set for this process only, so `gc` can be fetched.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const liveHeap = () => {
  collectGarbage();
  return heapUsed();
};
/** Least-squares slope of (minute, bytes) samples, as % of the first sample per hour. */
function growthPerHour(samples: readonly [number, number][]): number | null {
  if (samples.length < 3) return null;
  const n = samples.length;
  const mx = samples.reduce((a, [x]) => a + x, 0) / n;
  const my = samples.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of samples) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return Math.round(((num / den) * 60 * 100 * 10) / samples[0]![1]) / 10;
}
const handleNames = () =>
  (process as unknown as { _getActiveHandles(): object[] })
    ._getActiveHandles()
    .map((x) => x.constructor?.name ?? typeof x);
const handles = () =>
  (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

describe.skipIf(!CLI_BUILT && !process.env.MONGODB_URI)(
  `load (needs out/cli for its emulator: npm run build:cli): ${CLIENTS} clients at ${RATE} updates/s for ${SECONDS} s`,
  () => {
    it(
      'no loss, bounded memory, nothing leaked',
      async () => {
        // The emulator gets a process of its own (as mongod would be): in this one it would
        // compete with the server it is feeding.
        let uri = process.env.MONGODB_URI;
        if (!uri) {
          const emulator = spawnCli(['emulator', '--port', '0']);
          emulatorProcess = emulator;
          uri = (await emulator.waitForOut(/(mongodb:\/\/\S+)/))[1]!;
        }
        // Counted once the emulator's process (and its pipes) exists: it is stopped after the test.
        const handlesBefore = handles();
        h = await openHarness({}, { MONGODB_URI: uri });
        const { server, url } = await h.startServer();
        const writer = await startLoadWriter(h.db, RATE);
        h.defer(() => writer.stop());
        const startedClients = Date.now();
        load = await startLoadClients(url, CLIENTS, undefined, 60_000 + CLIENTS * 500);
        const connectMs = Date.now() - startedClients;
        const gatewayConnected = async () => (await scrape(url)).value('callboard_clients');

        // Warm-up: a tenth of the run (at least 5 s), then the heap baseline.
        const warmUntil = Date.now() + Math.max(5, SECONDS / 10) * 1000;
        await until(() => Date.now() >= warmUntil, 'the warm-up', SECONDS * 1000);
        const heapWarm = liveHeap();
        const writesWarm = writer.writes();
        const runStart = Date.now();
        let heapMax = heapWarm;
        // The live heap once a minute, for the growth figure of long runs.
        const liveSamples: [number, number][] = [[0, heapWarm]];
        let nextSample = runStart + 60_000;
        const end = runStart + SECONDS * 1000;
        while (Date.now() < end) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          heapMax = Math.max(heapMax, heapUsed());
          if (Date.now() >= nextSample) {
            liveSamples.push([(Date.now() - runStart) / 60_000, liveHeap()]);
            nextSample += 60_000;
          }
          expect(server.hub.counters().subscribers).toBeLessThanOrEqual(CLIENTS * 2);
        }
        const runSeconds = (Date.now() - runStart) / 1000;
        const writesRun = writer.writes() - writesWarm;
        await writer.stop();
        const stoppedAt = Date.now();

        // Every client must come to show exactly what MongoDB holds.
        const truth = await truthDigest(h.db);
        let last: Awaited<ReturnType<LoadClients['digests']>> | undefined;
        const deadline = Date.now() + 60_000;
        for (;;) {
          last = await load.digests(120_000);
          if (last.digests.every((d) => d.digest === truth.digest) || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const convergeMs = Date.now() - stoppedAt;
        const behind = last.digests.filter((d) => d.digest !== truth.digest);
        const hub = server.hub.counters();
        const scraped = await scrape(url);
        const flushes = scraped.value('callboard_hub_flush_lag_seconds_count')!;
        const heapEnd = liveHeap();
        const clientsMemory = last.memory;
        const stopped = await load.stop();
        load = undefined;
        await until(() => server.hub.counters().subscribers === 0, 'every hub subscription to end');
        await expect
          .poll(gatewayConnected, { timeout: 10_000, message: 'every socket to close' })
          .toBe(0);
        await h.close();
        h = undefined;
        const deadlineHandles = Date.now() + 5000;
        while (handles() > handlesBefore && Date.now() < deadlineHandles)
          await new Promise((r) => setTimeout(r, 50));

        writeResults('load', [
          {
            clients: CLIENTS,
            targetRate: RATE,
            seconds: Math.round(runSeconds),
            writes: writesRun,
            achievedRate: Math.round(writesRun / runSeconds),
            writerSkippedTicks: writer.skippedTicks(),
            connectMs,
            convergeMs,
            clientsBehind: behind.length,
            clientMessages: last.digests.reduce((n, d) => n + d.messages, 0),
            clientMessagesApplied: last.digests.reduce((n, d) => n + d.applied, 0),
            activeDocuments: truth.active,
            hubEntriesOut: hub.entriesOut,
            hubDeliveries: hub.deliveries,
            slowConsumerHolds: hub.slowConsumerHolds,
            slowConsumerResyncs: hub.slowConsumerResyncs,
            flushLagMeanMs: Math.round(
              (scraped.value('callboard_hub_flush_lag_seconds_sum')! / flushes) * 1000,
            ),
            flushesLaggingOver100ms:
              flushes - scraped.value('callboard_hub_flush_lag_seconds_bucket{le="0.1"}')!,
            serverLiveHeapWarmMB: Math.round(heapWarm / MB),
            serverHeapMaxMB: Math.round(heapMax / MB),
            serverLiveHeapEndMB: Math.round(heapEnd / MB),
            serverLiveHeapGrowthPctPerHour: growthPerHour(liveSamples),
            serverLiveHeapSamplesMB: liveSamples.map(([, y]) => Math.round(y / MB)).join(' '),
            clientProcessRssMB: Math.round(clientsMemory.rss / MB),
            clientProcessHandlesAfterStop: stopped.handles,
            testProcessHandlesBefore: handlesBefore,
            testProcessHandlesAfter: handles(),
          },
        ]);
        expect(
          behind.map(
            (d) => `${d.name}: ${d.status}, ${d.calls} calls, problems ${d.problems.join('; ')}`,
          ),
        ).toEqual([]);
        expect(last.digests.every((d) => d.problems.length === 0)).toBe(true);
        expect(writer.errors()).toBe(0);
        // Generous: memory must not grow with time; a leak of a few KB per update would pass 64 MB in minutes.
        expect(heapEnd).toBeLessThan(heapWarm * 1.5 + 64 * MB);
        expect(stopped.code).toBe(0);
        expect(stopped.names).toEqual(expect.any(Array));
        expect(stopped.handles, stopped.names.join(', ')).toBeLessThanOrEqual(2);
        expect(handles(), handleNames().join(', ')).toBeLessThanOrEqual(handlesBefore);
      },
      (SECONDS + Math.max(5, SECONDS / 10) + 180) * 1000,
    );
  },
);
